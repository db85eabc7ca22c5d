//! Bringing JAHIS data in: the administrator's 取込 of a file, the command
//! line's bulk import, and another pharmacy's notebook (他社手帳, P9) shown
//! read-only and taken in onto a chosen patient.

use okusuri_domain::notebook::{NotebookPreview, preview_notebook, read_notebook};
use okusuri_jahis::{Document, Mode, read};
use okusuri_store::{AccessEvent, ImportError, ImportItem, ImportSource, ImportSummary};

use crate::{App, AppError, Permission, Session};

/// The source label of a file imported by staff (`import:NAME`).
fn file_source(file_name: &str) -> ImportSource {
    ImportSource {
        label: format!("import:{file_name}"),
        external_id: None,
    }
}

impl App {
    /// 取込 (administrators): one JAHIS file.
    pub async fn import_file(
        &self,
        session: &Session,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ImportSummary, AppError> {
        self.begin(session, Permission::ImportFiles)?;
        let doc = read(bytes, Mode::Lenient).map_err(|e| AppError::from(e).about(file_name))?;
        self.store
            .import_jahis(
                &session.actor(),
                &doc,
                &file_source(file_name),
                self.clock.now(),
            )
            .await
            .map_err(|e| AppError::from(e).about(file_name))
    }

    /// 取込 of many files at once (the command line): every document in one
    /// transaction, each with its own result (a file that cannot be read is
    /// its own error and does not stop the others).
    pub async fn import_documents(
        &self,
        session: &Session,
        files: &[(String, Result<Document, AppError>)],
    ) -> Result<Vec<Result<ImportSummary, AppError>>, AppError> {
        self.begin(session, Permission::ImportFiles)?;
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
            .iter()
            .map(|(_, doc)| match doc {
                Err(e) => Err(e.clone()),
                Ok(_) => stored
                    .next()
                    .unwrap_or(Err(ImportError::NoPatient))
                    .map_err(AppError::from),
            })
            .collect())
    }

    /// Reads notebook data and returns what to show (nothing is stored; the
    /// read is audited without a patient, as none is chosen yet).
    pub async fn preview_notebook(
        &self,
        session: &Session,
        bytes: &[u8],
    ) -> Result<NotebookPreview, AppError> {
        self.begin(session, Permission::TakeInNotebook)?;
        let doc = read_notebook(bytes).map_err(AppError::invalid)?;
        let preview = preview_notebook(&doc, self.clock.yesterday());
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

    /// Stores the notebook on the patient staff chose (audited).
    pub async fn import_notebook(
        &self,
        session: &Session,
        patient_id: i64,
        bytes: &[u8],
    ) -> Result<ImportSummary, AppError> {
        self.begin(session, Permission::TakeInNotebook)?;
        let doc = read_notebook(bytes).map_err(AppError::invalid)?;
        Ok(self
            .store
            .import_notebook_onto(&session.actor(), patient_id, &doc, self.clock.now())
            .await?)
    }
}
