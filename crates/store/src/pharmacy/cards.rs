//! Cards (P2, P7): a FeliCa card's IDm names one patient. Touching a
//! registered card records a visit (the patient joins today's list);
//! 新規発行 registers a new patient with their consent and a card; 再発行
//! gives a patient a new card and disables the old one, which is kept.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::access_log::AccessEvent;
use crate::sync::{Change, Table};
use crate::write::WriteTx;
use crate::{Actor, Store, StoreError, timestamp};

/// What a touch found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Touch {
    /// A registered card: the visit was recorded.
    Patient {
        /// The patient.
        patient_id: i64,
        /// Their name, for the message.
        name: String,
    },
    /// No patient has this card (未登録のカード).
    Unknown {
        /// The card's IDm.
        idm: String,
    },
    /// The card was replaced by a new one (再発行) and no longer works.
    Disabled {
        /// The card's IDm.
        idm: String,
        /// Whose card it was.
        name: String,
    },
}

/// How the patient agreed to the terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// 画面: on the screen at the counter.
    Screen,
    /// 書面: on paper.
    Paper,
}

/// A new patient as 新規発行 collects them.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct NewPatient {
    /// 漢字氏名.
    pub name: String,
    /// カナ氏名.
    pub kana: String,
    /// 1 male, 2 female (ISO 5218).
    pub sex: u8,
    /// YYYY-MM-DD.
    pub birth_date: String,
    /// Optional phone number.
    pub phone: Option<String>,
}

/// Why a card could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// A field is missing or malformed.
    #[error("{0}")]
    Invalid(&'static str),
    /// The card already belongs to someone (or was disabled).
    #[error("このカードはすでに使われています（{0}）。別の新しいカードをタッチしてください。")]
    InUse(String),
    /// No such patient.
    #[error("患者が見つかりません。")]
    PatientNotFound,
    /// 再発行 for a patient who never had a card (a first card needs consent).
    #[error(
        "この患者様にはまだカードがありません。「新規カード発行」から利用規約への同意を得て発行してください。"
    )]
    NoCard,
    /// 新規発行 for a patient who already has a card.
    #[error(
        "この患者様にはすでにカードがあります。カードをなくされた場合は「再発行」を使ってください。"
    )]
    HasCard,
    /// The database failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn check_idm(idm: &str) -> Result<(), CardError> {
    if idm.len() == 16 && idm.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(CardError::Invalid(
            "カードを読み取れませんでした。もう一度タッチしてください。",
        ))
    }
}

impl NewPatient {
    fn check(&self) -> Result<(), CardError> {
        if self.name.trim().is_empty() {
            return Err(CardError::Invalid("氏名を入力してください。"));
        }
        if self.kana.trim().is_empty() {
            return Err(CardError::Invalid("カナ氏名を入力してください。"));
        }
        if !matches!(self.sex, 1 | 2) {
            return Err(CardError::Invalid("性別を選んでください。"));
        }
        if NaiveDate::parse_from_str(&self.birth_date, "%Y-%m-%d").is_err() {
            return Err(CardError::Invalid(
                "生年月日を正しく入力してください（例: 1980-01-01）。",
            ));
        }
        Ok(())
    }
}

impl Store {
    /// A card was touched: records the visit of its patient, or says why not.
    pub async fn card_touched(
        &self,
        actor: &Actor,
        idm: &str,
        now: DateTime<Utc>,
    ) -> Result<Touch, StoreError> {
        let card = sqlx::query!(
            r#"SELECT c.patient_id AS "patient_id!: i64", c.disabled_at, p.name, p.merged_into
               FROM card c JOIN patient p ON p.id = c.patient_id WHERE c.idm = ?"#,
            idm
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let Some(card) = card else {
            return Ok(Touch::Unknown {
                idm: idm.to_string(),
            });
        };
        if card.disabled_at.is_some() {
            return Ok(Touch::Disabled {
                idm: idm.to_string(),
                name: card.name,
            });
        }
        // A merge moves cards too; a card still on a merged record follows it.
        let patient_id = card.merged_into.unwrap_or(card.patient_id);
        self.record_visit(actor, patient_id, now, "card").await?;
        Ok(Touch::Patient {
            patient_id,
            name: card.name,
        })
    }

    /// 新規発行: registers a new patient with their consent and card, and
    /// records their visit. Returns the patient's ID.
    pub async fn issue_card(
        &self,
        actor: &Actor,
        patient: &NewPatient,
        consent: ConsentMethod,
        idm: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, CardError> {
        patient.check()?;
        check_idm(idm)?;
        let at = timestamp(now);
        let mut tx = self.begin_write(actor, now).await?;
        self.refuse_used_card(&mut tx, idm).await?;
        let patient_id = tx.next_id(Table::Patient).await?;
        tx.change(Change::PatientCreated {
            id: patient_id,
            name: patient.name.trim().to_string(),
            kana: patient.kana.trim().to_string(),
            sex: i64::from(patient.sex),
            birth_date: Some(patient.birth_date.clone()),
            phone: patient
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            at: at.clone(),
        })
        .await?;
        self.first_card(&mut tx, patient_id, consent, idm, &at)
            .await?;
        tx.commit().await?;
        Ok(patient_id)
    }

    /// 新規発行 for a person already in the records (from a receipt computer
    /// or another pharmacy's notebook, never given a card): their consent,
    /// their first card and their visit. A patient who has a card gets
    /// 再発行 instead.
    pub async fn issue_card_to(
        &self,
        actor: &Actor,
        patient_id: i64,
        consent: ConsentMethod,
        idm: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CardError> {
        let (mut tx, at) = self.begin_card_change(actor, patient_id, idm, now).await?;
        if self.card_count(&mut tx, patient_id).await? > 0 {
            return Err(CardError::HasCard);
        }
        self.refuse_used_card(&mut tx, idm).await?;
        self.first_card(&mut tx, patient_id, consent, idm, &at)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The start of giving an existing patient a card: the IDm checked, the
    /// write begun, the patient current (not merged away).
    async fn begin_card_change<'a>(
        &'a self,
        actor: &'a Actor,
        patient_id: i64,
        idm: &str,
        now: DateTime<Utc>,
    ) -> Result<(WriteTx<'a>, String), CardError> {
        check_idm(idm)?;
        let mut tx = self.begin_write(actor, now).await?;
        if !self.is_current_patient(&mut tx, patient_id).await? {
            return Err(CardError::PatientNotFound);
        }
        Ok((tx, timestamp(now)))
    }

    /// Consent, the first card and the visit of a patient, in `tx`.
    async fn first_card(
        &self,
        tx: &mut WriteTx<'_>,
        patient_id: i64,
        consent: ConsentMethod,
        idm: &str,
        at: &str,
    ) -> Result<(), CardError> {
        let method = match consent {
            ConsentMethod::Screen => "screen",
            ConsentMethod::Paper => "paper",
        };
        let id = tx.next_id(Table::Consent).await?;
        tx.change(Change::ConsentGiven {
            id,
            patient_id,
            method: method.to_string(),
            staff_id: tx.actor().staff_id,
            at: at.to_string(),
        })
        .await?;
        let detail = format!("card {idm} issued, consent {method}");
        self.add_card(tx, patient_id, idm, &detail).await?;
        self.insert_visit(tx, patient_id, "card").await?;
        Ok(())
    }

    /// How many cards (working or not) a patient was ever given.
    async fn card_count(
        &self,
        conn: &mut sqlx::SqliteConnection,
        patient_id: i64,
    ) -> Result<i64, CardError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM card WHERE patient_id = ?"#,
            patient_id
        )
        .fetch_one(conn)
        .await
        .map_err(|e| self.fail(e))?)
    }

    /// 再発行: gives a patient a new card; their other cards stop working.
    pub async fn reissue_card(
        &self,
        actor: &Actor,
        patient_id: i64,
        idm: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CardError> {
        let (mut tx, at) = self.begin_card_change(actor, patient_id, idm, now).await?;
        // A first card needs the patient's consent: that is 新規発行.
        if self.card_count(&mut tx, patient_id).await? == 0 {
            return Err(CardError::NoCard);
        }
        self.refuse_used_card(&mut tx, idm).await?;
        let working = sqlx::query_scalar!(
            r#"SELECT idm AS "idm!: String" FROM card WHERE patient_id = ? AND disabled_at IS NULL"#,
            patient_id
        )
        .fetch_all(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        for old in working {
            tx.change(Change::CardDisabled {
                idm: old,
                at: at.clone(),
                reason: "再発行".into(),
            })
            .await?;
        }
        self.add_card(&mut tx, patient_id, idm, &format!("card {idm} reissued"))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The IDm of the patient's working card, if they have one.
    pub async fn patient_card(&self, patient_id: i64) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar!(
            r#"SELECT idm AS "idm!: String" FROM card WHERE patient_id = ? AND disabled_at IS NULL ORDER BY issued_at DESC LIMIT 1"#,
            patient_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    async fn refuse_used_card(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        idm: &str,
    ) -> Result<(), CardError> {
        let owner = sqlx::query_scalar!(
            "SELECT p.name FROM card c JOIN patient p ON p.id = c.patient_id WHERE c.idm = ?",
            idm
        )
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        match owner {
            Some(name) => Err(CardError::InUse(name)),
            None => Ok(()),
        }
    }

    /// Gives the patient the card and writes it to the access log (`detail`).
    async fn add_card(
        &self,
        tx: &mut WriteTx<'_>,
        patient_id: i64,
        idm: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let at = timestamp(tx.now());
        let staff_id = tx.actor().staff_id;
        tx.change(Change::CardIssued {
            idm: idm.to_string(),
            patient_id,
            staff_id,
            at,
        })
        .await?;
        tx.log(AccessEvent::CardIssued, Some(patient_id), detail);
        Ok(())
    }
}
