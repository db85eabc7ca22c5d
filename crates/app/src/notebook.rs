//! Bringing JAHIS data in: the administrator's 取込 of a file, the command
//! line's bulk import, and another pharmacy's notebook (他社手帳, P9) shown
//! read-only and taken in onto a chosen patient. Every one of them passes
//! the import gate ([`okusuri_domain::gate`]) before anything is stored.

use std::path::PathBuf;

use okusuri_domain::gate::{Admitted, Gate};
use okusuri_domain::notebook::{NotebookPreview, preview_notebook, read_notebook};
use okusuri_store::{AccessEvent, ImportError, ImportItem, ImportSource, ImportSummary};

use crate::{App, AppError, Permission, Session};

/// The source label of a file imported by staff (`import:NAME`).
fn file_source(file_name: &str) -> ImportSource {
    ImportSource {
        supersedes: false,
        label: format!("import:{file_name}"),
        external_id: None,
    }
}

impl App {
    /// The import gate for today and the configured size limit.
    pub async fn gate(&self) -> Result<Gate, AppError> {
        Ok(Gate::new(
            self.clock.today(),
            self.store.import_max_bytes().await?,
        ))
    }

    /// 取込 (administrators): one JAHIS file.
    pub async fn import_file(
        &self,
        session: &Session,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ImportSummary, AppError> {
        self.begin(session, Permission::ImportFiles)?;
        let admitted = self
            .gate()
            .await?
            .file(bytes)
            .map_err(|e| AppError::from(e).about(file_name))?;
        self.store
            .import_jahis(
                &session.actor(),
                &admitted,
                &file_source(file_name),
                self.clock.now(),
            )
            .await
            .map_err(|e| AppError::from(e).about(file_name))
    }

    /// 取込 of many files at once (the command line): each read within the
    /// size limit and passed through the gate, then every admitted document
    /// in one transaction, each with its own result (a refused or unreadable
    /// file is its own error and does not stop the others).
    pub async fn import_paths(
        &self,
        session: &Session,
        paths: &[PathBuf],
    ) -> Result<Vec<Result<ImportSummary, AppError>>, AppError> {
        self.begin(session, Permission::ImportFiles)?;
        let gate = self.gate().await?;
        let files: Vec<(String, Result<Admitted, AppError>)> = paths
            .iter()
            .map(|path| {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let admitted = okusuri_feed::read_at_most(path, &gate)
                    .map_err(AppError::invalid)
                    .and_then(|bytes| gate.file(&bytes).map_err(AppError::from));
                (name, admitted)
            })
            .collect();
        let sources: Vec<ImportSource> = files.iter().map(|(name, _)| file_source(name)).collect();
        let items: Vec<ImportItem> = files
            .iter()
            .zip(&sources)
            .filter_map(|((_, doc), source)| {
                doc.as_ref().ok().map(|doc| ImportItem { doc, source })
            })
            .collect();
        let mut stored = self
            .store
            .import_batch(&session.actor(), &items, self.clock.now())
            .await?
            .into_iter();
        Ok(files
            .into_iter()
            .map(|(_, doc)| match doc {
                Err(e) => Err(e),
                Ok(_) => stored
                    .next()
                    .unwrap_or(Err(ImportError::NoPatient))
                    .map_err(AppError::from),
            })
            .collect())
    }

    /// Reads notebook data and returns what to show (nothing is stored; the
    /// read is audited without a patient, as none is chosen yet). When the
    /// gate would refuse it, the preview says why (it can still be looked at).
    pub async fn preview_notebook(
        &self,
        session: &Session,
        bytes: &[u8],
    ) -> Result<NotebookPreview, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let gate = self.gate().await?;
        gate.check_size(bytes.len() as u64)?;
        let doc = read_notebook(bytes).map_err(AppError::invalid)?;
        let mut preview = preview_notebook(&doc, self.clock.yesterday());
        preview.refused = gate.scanned(bytes).err().map(|e| e.to_string());
        let detail = format!("他社手帳 {} dispensings", preview.dispensings.len());
        self.store
            .audit(
                &session.actor(),
                AccessEvent::NotebookPreviewed,
                None,
                &detail,
                self.clock.now(),
            )
            .await?;
        Ok(preview)
    }

    /// Stores the notebook on the patient staff chose (audited), if the
    /// gate admits it.
    pub async fn import_notebook(
        &self,
        session: &Session,
        patient_id: i64,
        bytes: &[u8],
    ) -> Result<ImportSummary, AppError> {
        if !self.clerk_may_take_in(session).await? {
            self.begin(session, Permission::TakeInNotebook)?;
        }
        self.begin(session, Permission::ViewPatients)?;
        let admitted = self.gate().await?.scanned(bytes)?;
        Ok(self
            .store
            .import_notebook_onto(&session.actor(), patient_id, &admitted, self.clock.now())
            .await?)
    }
}
