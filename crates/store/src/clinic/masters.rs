//! The drug, 一般名 and usage masters, each replaced whole in one transaction
//! (a failed import leaves the previous master as it was), and the clinic's
//! usages mapped to standard codes (C8).

use chrono::{DateTime, Utc};
use okusuri_eps::masters::{DrugRow, GenericNameRow, Masters, UsageRow};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError, timestamp};

/// Which master.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MasterKind {
    /// 医薬品マスター (y.csv).
    Drug,
    /// 一般名処方マスタ.
    GenericName,
    /// 用法マスタ.
    Usage,
}

impl MasterKind {
    /// The stable text stored in `master_import`.
    pub fn as_str(self) -> &'static str {
        match self {
            MasterKind::Drug => "drug",
            MasterKind::GenericName => "generic_name",
            MasterKind::Usage => "usage",
        }
    }

    /// Its Japanese name.
    pub fn label(self) -> &'static str {
        match self {
            MasterKind::Drug => "医薬品マスター",
            MasterKind::GenericName => "一般名処方マスタ",
            MasterKind::Usage => "用法マスタ",
        }
    }
}

/// When a master was imported, from what, with how many rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MasterImport {
    /// Which master.
    pub master: String,
    /// Rows imported.
    pub rows: i64,
    /// The file's name.
    pub source_name: String,
    /// When (UTC RFC 3339).
    pub imported_at: String,
}

/// The rows of one master, ready to replace the stored one.
#[derive(Debug, Clone)]
pub enum MasterRows {
    /// 医薬品マスター.
    Drug(Vec<DrugRow>),
    /// 一般名処方マスタ.
    GenericName(Vec<GenericNameRow>),
    /// 用法マスタ.
    Usage(Vec<UsageRow>),
}

impl MasterRows {
    /// Which master these rows are.
    pub fn kind(&self) -> MasterKind {
        match self {
            MasterRows::Drug(_) => MasterKind::Drug,
            MasterRows::GenericName(_) => MasterKind::GenericName,
            MasterRows::Usage(_) => MasterKind::Usage,
        }
    }

    fn len(&self) -> usize {
        match self {
            MasterRows::Drug(r) => r.len(),
            MasterRows::GenericName(r) => r.len(),
            MasterRows::Usage(r) => r.len(),
        }
    }
}

/// A clinic usage and the standard code it is mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UsageMapping {
    /// The clinic's wording.
    pub clinic_usage: String,
    /// The standard code.
    pub code: String,
    /// The standard name (empty when the code is no longer in the usage master).
    pub name: String,
}

impl Store {
    /// Replaces one master with `rows`, all or nothing, and records the import.
    pub async fn replace_master(
        &self,
        actor: &Actor,
        rows: &MasterRows,
        source_name: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        let fail = |e| self.fail(e);
        match rows {
            MasterRows::Drug(list) => {
                sqlx::query!("DELETE FROM drug_master")
                    .execute(&mut **tx)
                    .await
                    .map_err(fail)?;
                for d in list {
                    sqlx::query!(
                        "INSERT OR REPLACE INTO drug_master (code, name, kana, unit, narcotic, generic, form, changed, abolished, yakka_code, transition_until, generic_name_code, generic_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        d.code, d.name, d.kana, d.unit, d.narcotic, d.generic, d.form, d.changed, d.abolished, d.yakka_code, d.transition_until, d.generic_name_code, d.generic_name
                    )
                    .execute(&mut **tx)
                    .await
                    .map_err(fail)?;
                }
            }
            MasterRows::GenericName(list) => {
                sqlx::query!("DELETE FROM generic_name_master")
                    .execute(&mut **tx)
                    .await
                    .map_err(fail)?;
                for g in list {
                    sqlx::query!(
                        "INSERT OR REPLACE INTO generic_name_master (code, name, ingredient, kind) VALUES (?, ?, ?, ?)",
                        g.code, g.name, g.ingredient, g.kind
                    )
                    .execute(&mut **tx)
                    .await
                    .map_err(fail)?;
                }
            }
            MasterRows::Usage(list) => {
                sqlx::query!("DELETE FROM usage_master")
                    .execute(&mut **tx)
                    .await
                    .map_err(fail)?;
                for u in list {
                    sqlx::query!(
                        "INSERT OR REPLACE INTO usage_master (code, name) VALUES (?, ?)",
                        u.code,
                        u.name
                    )
                    .execute(&mut **tx)
                    .await
                    .map_err(fail)?;
                }
            }
        }
        let kind = rows.kind().as_str();
        let count = rows.len() as i64;
        let at = timestamp(now);
        sqlx::query!(
            "INSERT OR REPLACE INTO master_import (master, rows, source_name, imported_at) VALUES (?, ?, ?, ?)",
            kind, count, source_name, at
        )
        .execute(&mut **tx)
        .await
        .map_err(fail)?;
        tx.log(
            AccessEvent::MasterImported,
            None,
            &format!("{kind} {count} rows"),
        );
        tx.commit().await?;
        Ok(rows.len())
    }

    /// The last import of each master.
    pub async fn master_imports(&self) -> Result<Vec<MasterImport>, StoreError> {
        sqlx::query_as!(
            MasterImport,
            "SELECT master, rows, source_name, imported_at FROM master_import ORDER BY master"
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Drugs whose name, カナ or code contains `query` (at most `limit`), current ones first.
    pub async fn search_drugs(&self, query: &str, limit: i64) -> Result<Vec<DrugRow>, StoreError> {
        let like = format!("%{}%", query.replace(['%', '_'], ""));
        sqlx::query_as!(
            DrugRow,
            "SELECT code, name, kana, unit, narcotic, generic, form, changed, abolished, yakka_code, transition_until, generic_name_code, generic_name
             FROM drug_master WHERE name LIKE ?1 OR kana LIKE ?1 OR code LIKE ?1 OR yakka_code LIKE ?1
             ORDER BY abolished <> '99999999', name LIMIT ?2",
            like,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// The standard usages whose name or code contains `query` (at most `limit`).
    pub async fn search_usages(
        &self,
        query: &str,
        limit: i64,
    ) -> Result<Vec<UsageRow>, StoreError> {
        let like = format!("%{}%", query.replace(['%', '_'], ""));
        sqlx::query_as!(UsageRow, "SELECT code, name FROM usage_master WHERE name LIKE ?1 OR code LIKE ?1 ORDER BY code LIMIT ?2", like, limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail(e))
    }

    /// The rows of the masters one prescription needs: drugs whose code,
    /// 薬価基準コード or 一般名コード is in `drug_codes`, those 一般名, and the
    /// usages in `usage_codes` — a few rows instead of the whole master.
    pub async fn load_masters_for(
        &self,
        drug_codes: &[String],
        usage_codes: &[String],
    ) -> Result<Masters, StoreError> {
        let drug_json =
            serde_json::to_string(drug_codes).map_err(|e| StoreError::Database(e.to_string()))?;
        let usage_json =
            serde_json::to_string(usage_codes).map_err(|e| StoreError::Database(e.to_string()))?;
        let drugs = sqlx::query_as!(
            DrugRow,
            "SELECT code, name, kana, unit, narcotic, generic, form, changed, abolished, yakka_code, transition_until, generic_name_code, generic_name
             FROM drug_master WHERE code IN (SELECT value FROM json_each(?1)) OR yakka_code IN (SELECT value FROM json_each(?1))
             OR (generic_name_code <> '' AND generic_name_code IN (SELECT value FROM json_each(?1)))",
            drug_json
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let generics = sqlx::query_as!(
            GenericNameRow,
            "SELECT code, name, ingredient, kind FROM generic_name_master WHERE code IN (SELECT value FROM json_each(?1))",
            drug_json
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let usages = sqlx::query_as!(
            UsageRow,
            "SELECT code, name FROM usage_master WHERE code IN (SELECT value FROM json_each(?1))",
            usage_json
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let any_usage =
            sqlx::query_scalar!("SELECT EXISTS (SELECT 1 FROM usage_master) AS \"any!: bool\"")
                .fetch_one(&self.pool)
                .await
                .map_err(|e| self.fail(e))?;
        Ok(Masters::subset(drugs, generics, usages, any_usage))
    }

    /// Maps the clinic's usage wording to a standard code (replacing an earlier mapping).
    pub async fn map_usage(
        &self,
        actor: &Actor,
        clinic_usage: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        let at = timestamp(now);
        let staff = actor.staff_id;
        sqlx::query!(
            "INSERT OR REPLACE INTO usage_map (clinic_usage, code, mapped_at, staff_id) VALUES (?, ?, ?, ?)",
            clinic_usage, code, at, staff
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(
            AccessEvent::UsageMapped,
            None,
            &format!("{clinic_usage} → {code}"),
        );
        tx.commit().await
    }

    /// Every mapping, with the standard name when the code is in the usage master.
    pub async fn usage_mappings(&self) -> Result<Vec<UsageMapping>, StoreError> {
        sqlx::query_as!(
            UsageMapping,
            r#"SELECT m.clinic_usage, m.code, coalesce(u.name, '') AS "name!: String"
               FROM usage_map m LEFT JOIN usage_master u ON u.code = m.code ORDER BY m.clinic_usage"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }
}
