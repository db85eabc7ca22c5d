//! Printing a clinic's prescription (C5): the 処方箋控え of a 電子処方箋 — the
//! service's own PDF when the 控え request answers with one, else ours with
//! the 引換番号 — and the paper 処方箋 with its JAHIS 2D symbol. Both come
//! from the registration exactly as it was sent.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use okusuri_eps::Response;
use okusuri_eps::calls::Call;
use okusuri_eps::prescription::{self, Form, Prescription};
use okusuri_print::{PrescriptionSheet, SheetKind, open_pdf, prescription_sheet, save_pdf};
use okusuri_store::AccessEvent;
use serde::Serialize;

use crate::qr::QrOutput;
use crate::{App, AppError, ErrorCode, Permission, Session};

/// What 印刷 made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PrintedSheet {
    /// Where the PDF is.
    pub path: String,
    /// `copy` (控え) or `paper` (処方箋).
    pub kind: String,
    /// True when the PDF is the service's own 控え.
    pub from_service: bool,
    /// Why the service's 控え was not used, when it was asked for and not used.
    pub service_note: Option<String>,
    /// Why the viewer did not open, if it did not (the PDF is saved).
    pub open_error: Option<String>,
}

fn date_text(yyyymmdd: &str) -> String {
    match (
        yyyymmdd.get(0..4),
        yyyymmdd.get(4..6).and_then(|m| m.parse::<u32>().ok()),
        yyyymmdd.get(6..8).and_then(|d| d.parse::<u32>().ok()),
    ) {
        (Some(y), Some(m), Some(d)) if yyyymmdd.len() == 8 => format!("{y}年{m}月{d}日"),
        _ => yyyymmdd.to_string(),
    }
}

/// The prescription as lines: each RP's form, days and usage, then its drugs.
pub fn sheet_lines(p: &Prescription) -> Vec<String> {
    let mut lines = Vec::new();
    for rp in &p.rps {
        let (form, unit) = match rp.form.as_str() {
            "1" => ("内服", "日分"),
            "2" => ("頓服", "回分"),
            "3" => ("外用", "回分"),
            _ => ("", "回分"),
        };
        lines.push(format!(
            "RP{}　{form}　{}{unit}　{}",
            rp.number, rp.quantity, rp.usage.name
        ));
        for d in &rp.drugs {
            lines.push(format!("　　{}　{}{}", d.name, d.amount, d.unit));
        }
    }
    lines
}

impl App {
    /// The prescription a registration sent.
    pub(crate) async fn registered_prescription(
        &self,
        prescription_id: &str,
    ) -> Result<(Prescription, okusuri_store::Registration), AppError> {
        let reg = self
            .store
            .registration(prescription_id)
            .await?
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("処方箋ID {prescription_id} の発行記録がありません。"),
                )
            })?;
        let damaged = |what: String| {
            AppError::new(
                ErrorCode::IoFailed,
                format!("発行記録の処方箋を読めません（{what}）。"),
            )
        };
        let request = Response::parse(&reg.request_xml).map_err(|e| damaged(e.to_string()))?;
        let info = request
            .field("PrescriptionInfo")
            .ok_or_else(|| damaged("PrescriptionInfo がありません".into()))?;
        let parsed = prescription::parse(info.as_bytes()).map_err(|e| damaged(e.to_string()))?;
        Ok((parsed.prescription, reg))
    }

    /// Prints the 処方箋控え (電子) or the 処方箋 (紙) of `prescription_id`
    /// to `output`, and records it in the access log.
    pub async fn print_prescription(
        &self,
        session: &Session,
        prescription_id: &str,
        output: QrOutput,
    ) -> Result<PrintedSheet, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let (p, reg) = self.registered_prescription(prescription_id).await?;
        let paper = reg.issue_type == "paper";
        let mut service_note = None;
        let mut service_pdf = None;
        if !paper && session.require(Permission::Prescribe).is_ok() {
            match self
                .eps_send(
                    session,
                    &Call::Copy {
                        prescription_id: prescription_id.to_string(),
                    },
                )
                .await
            {
                Ok(reply) => match reply.copy_pdf.as_deref().map(|b| STANDARD.decode(b.trim())) {
                    Some(Ok(pdf)) if pdf.starts_with(b"%PDF") => service_pdf = Some(pdf),
                    Some(_) => {
                        service_note = Some(
                            "電子処方箋管理サービスの控えが PDF として読めませんでした。".into(),
                        );
                    }
                    None if reply.succeeded => {
                        service_note = Some(
                            "電子処方箋管理サービスの応答に控えの PDF がありませんでした。".into(),
                        );
                    }
                    None => service_note = Some(reply.problems.join("\n")),
                },
                Err(e) => service_note = Some(e.message),
            }
        }
        let from_service = service_pdf.is_some();
        let pdf = match service_pdf {
            Some(pdf) => pdf,
            None => {
                let symbol = if paper {
                    Some(prescription::build(&p, Form::Jahis10, false).0)
                } else {
                    None
                };
                let lines = sheet_lines(&p);
                let insurance = format!(
                    "{}　{}・{}{}",
                    p.insurance.insurer_number,
                    p.insurance.symbol,
                    p.insurance.number,
                    if p.insurance.branch.is_empty() {
                        String::new()
                    } else {
                        format!("（枝番 {}）", p.insurance.branch)
                    }
                );
                prescription_sheet(&PrescriptionSheet {
                    kind: if paper {
                        SheetKind::Paper
                    } else {
                        SheetKind::Copy
                    },
                    access_code: &reg.access_code,
                    prescription_id,
                    patient: (
                        &p.patient.name,
                        &p.patient.kana,
                        &date_text(&p.patient.birth_date),
                    ),
                    insurance: &insurance,
                    institution: &p.institution.name,
                    doctor: &p.doctor.name,
                    issue_date: &date_text(&p.issue_date),
                    lines: &lines,
                    symbol: symbol.as_deref(),
                })?
            }
        };
        let kind = if paper { "paper" } else { "copy" };
        let made_at = self.clock.local_now().naive_local();
        let path = match &output {
            QrOutput::PrintFolder => {
                let data_dir = self.store.path().parent().unwrap_or(self.store.path());
                save_pdf(data_dir, &format!("rx-{kind}"), &pdf, made_at)?
            }
            QrOutput::File(path) => {
                std::fs::write(path, &pdf).map_err(|e| {
                    AppError::new(
                        ErrorCode::IoFailed,
                        format!("{}: 書き込めません（{e}）", path.display()),
                    )
                })?;
                path.clone()
            }
        };
        self.store
            .audit(
                &session.actor(),
                AccessEvent::PrescriptionPrinted,
                None,
                &format!("{kind} {prescription_id}"),
                self.clock.now(),
            )
            .await?;
        let open_error = match output {
            QrOutput::PrintFolder => open_pdf(&path).err().map(|e| e.to_string()),
            QrOutput::File(_) => None,
        };
        Ok(PrintedSheet {
            path: path.display().to_string(),
            kind: kind.into(),
            from_service,
            service_note,
            open_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_each_rp_and_drug() {
        let fx = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../eps/tests/fixtures/prescription-sj1.csv"
        );
        let bytes = std::fs::read(fx).unwrap_or_else(|e| panic!("{e}"));
        let p = prescription::parse(&bytes)
            .unwrap_or_else(|e| panic!("{e}"))
            .prescription;
        let lines = sheet_lines(&p);
        assert_eq!(lines[0], "RP1　内服　14日分　1日3回朝昼夕食後 服用");
        assert_eq!(lines[1], "　　ハイペン錠１００ｍｇ　3錠");
        assert_eq!(date_text("19550606"), "1955年6月6日");
    }
}
