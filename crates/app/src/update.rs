//! 設定 → 更新: stored like every other setting, changed by administrators
//! only and audited. The download, the signature check and the install are
//! the shell's (`tauri-plugin-updater`); the rules are in `okusuri-update`.

use okusuri_store::AccessEvent;
use okusuri_update::settings::{ENABLED_KEY, ENDPOINT_KEY, INTERVAL_KEY};
use okusuri_update::{UpdateSettings, overrides};

use crate::{App, AppError, Permission, Session};

impl App {
    /// How this PC looks for updates. Needs no session: the scheduled check
    /// runs before anyone signs in.
    pub async fn update_settings(&self) -> Result<UpdateSettings, AppError> {
        let enabled = self.store.setting(ENABLED_KEY).await?;
        let endpoint = self.store.setting(ENDPOINT_KEY).await?;
        let interval = self.store.setting(INTERVAL_KEY).await?;
        Ok(UpdateSettings::from_stored(
            enabled.as_deref(),
            endpoint.as_deref(),
            interval.as_deref(),
        ))
    }

    /// Changes 設定 → 更新 (administrators; checked, audited in one row).
    /// Plain `http://` is refused except in debug builds (local test servers).
    pub async fn set_update_settings(
        &self,
        session: &Session,
        settings: &UpdateSettings,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        settings
            .validate(overrides::HONOURED)
            .map_err(|e| AppError::invalid(e.to_string()))?;
        let stored = settings.to_stored();
        let pairs: Vec<(&str, &str)> = stored.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Ok(self
            .store
            .set_settings(
                &session.actor(),
                &pairs,
                AccessEvent::SettingsChanged,
                "setting update.*",
                self.clock.now(),
            )
            .await?)
    }
}
