//! The operation table (`operations.toml`): what each exchange with the OQS
//! terminal is called on disk, and whether that name is verified. One file,
//! so a site or vendor corrects a name in one place; the simulator reads the
//! same table.

use serde::Deserialize;

use crate::EpsError;

/// The table shipped with the app.
pub const BUILT_IN: &str = include_str!("../operations.toml");

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Operation {
    /// Our name for it (`register`, `cancel`, …).
    pub key: String,
    /// `OQS` (資格確認) or `EPS` (電子処方箋).
    pub system: String,
    /// `si` (single) or `mu` (batch).
    pub mode: String,
    /// The function code (`PIR`, …); empty while unknown.
    pub function: String,
    /// The two-digit number; empty while unknown.
    pub number: String,
    /// What it is, in Japanese.
    pub label: String,
    /// True when the name is known from public sources.
    pub verified: bool,
    /// Where the name comes from.
    pub source: String,
    /// The request body's elements (our schema).
    #[serde(default)]
    pub request: Vec<String>,
    /// The answer body's elements we read (our schema).
    #[serde(default)]
    pub response: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Table {
    operation: Vec<Operation>,
}

/// Every operation of a table.
#[derive(Debug, Clone)]
pub struct Operations {
    list: Vec<Operation>,
}

impl Operations {
    /// The table shipped with the app.
    pub fn built_in() -> Result<Operations, EpsError> {
        Operations::parse(BUILT_IN)
    }

    /// A table from its TOML text (a site's corrected copy).
    pub fn parse(text: &str) -> Result<Operations, EpsError> {
        let table: Table =
            toml::from_str(text).map_err(|e| EpsError::Table(e.message().to_string()))?;
        Operations::from_list(table.operation)
    }

    /// A table from operations already made (checked the same way).
    pub fn from_list(list: Vec<Operation>) -> Result<Operations, EpsError> {
        for op in &list {
            let named = !op.function.is_empty() || !op.number.is_empty();
            if named
                && (op.function.len() != 3
                    || !op.function.bytes().all(|b| b.is_ascii_alphabetic())
                    || op.number.len() != 2
                    || !op.number.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(EpsError::Table(format!(
                    "{}: 機能コードは英字3文字、番号は数字2桁で書いてください（{}{}）。",
                    op.key, op.function, op.number
                )));
            }
        }
        Ok(Operations { list })
    }

    /// The table as TOML text, in the shape [`Operations::parse`] reads.
    pub fn to_toml(&self) -> String {
        let list = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", items.join(", "))
        };
        self.list
            .iter()
            .map(|op| {
                format!(
                    "[[operation]]\nkey = {:?}\nsystem = {:?}\nmode = {:?}\nfunction = {:?}\nnumber = {:?}\nlabel = {:?}\nverified = {}\nsource = {:?}\nrequest = {}\nresponse = {}\n",
                    op.key, op.system, op.mode, op.function, op.number, op.label, op.verified, op.source,
                    list(&op.request), list(&op.response)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The operation called `key`.
    pub fn get(&self, key: &str) -> Option<&Operation> {
        self.list.iter().find(|o| o.key == key)
    }

    /// Every operation, in the table's order.
    pub fn all(&self) -> &[Operation] {
        &self.list
    }
}

impl Operation {
    /// The file-name prefix (`EPSsiPIR01`), or why it cannot be sent: its
    /// name is not known (never guessed).
    pub fn prefix(&self) -> Result<String, EpsError> {
        if self.function.is_empty() || self.number.is_empty() {
            return Err(EpsError::UnknownName(self.label.clone()));
        }
        Ok(format!(
            "{}{}{}{}",
            self.system, self.mode, self.function, self.number
        ))
    }

    /// The request's file name for the identifier `id` (`EPSsiPIR01req_<id>.xml`).
    pub fn request_file(&self, id: &str) -> Result<String, EpsError> {
        Ok(format!("{}req_{id}.xml", self.prefix()?))
    }

    /// The answer's file names for `id`: `.xml`, or `.zip` when the terminal packs it.
    pub fn response_files(&self, id: &str) -> Result<[String; 2], EpsError> {
        let prefix = self.prefix()?;
        Ok([
            format!("{prefix}res_{id}.xml"),
            format!("{prefix}res_{id}.zip"),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_names_the_verified_operations_and_guesses_none() {
        let ops = Operations::built_in().unwrap_or_else(|e| panic!("{e}"));
        let register = ops.get("register").unwrap_or_else(|| panic!("register"));
        assert_eq!(
            register.request_file("A1").ok().as_deref(),
            Some("EPSsiPIR01req_A1.xml")
        );
        assert_eq!(
            register.response_files("A1").ok(),
            Some(["EPSsiPIR01res_A1.xml".into(), "EPSsiPIR01res_A1.zip".into()])
        );
        for key in ["check_prepare", "register", "copy", "qualification"] {
            assert!(ops.get(key).is_some_and(|o| o.verified), "{key}");
        }
        // The vendor-only names are not in the table, and cannot be sent.
        for key in ["check", "cancel", "status", "search"] {
            let op = ops.get(key).unwrap_or_else(|| panic!("{key}"));
            assert!(!op.verified && op.function.is_empty() && op.number.is_empty());
            let e = op.request_file("x").map(|_| ()).unwrap_err().to_string();
            assert!(e.contains("ファイル名が確認できていない"), "{e}");
        }
    }

    #[test]
    fn the_table_writes_itself_back() {
        let ops = Operations::built_in().unwrap_or_else(|e| panic!("{e}"));
        let again = Operations::parse(&ops.to_toml()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.all(), ops.all());
    }

    #[test]
    fn a_site_correction_is_checked_for_shape() {
        let good = "[[operation]]\nkey='cancel'\nsystem='EPS'\nmode='si'\nfunction='ABC'\nnumber='02'\nlabel='取消'\nverified=false\nsource='site'\n";
        let ops = Operations::parse(good).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ops.get("cancel").and_then(|o| o.prefix().ok()).as_deref(),
            Some("EPSsiABC02")
        );
        let bad = good.replace("'02'", "'2'");
        let e = Operations::parse(&bad).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("数字2桁"), "{e}");
        let broken = Operations::parse("[[operation]]\nkey=")
            .map(|_| ())
            .unwrap_err();
        assert!(
            broken.to_string().starts_with("操作表を読めません"),
            "{broken}"
        );
    }
}
