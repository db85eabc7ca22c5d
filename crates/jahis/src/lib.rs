//! The JAHIS 電子版お薬手帳データフォーマット ("JAHIS TC"): read, validate,
//! write, split, merge and QR — every version (`JAHISTC01`–`08` and any
//! `JAHISTCnn`), CP932 or UTF-8. Pure: bytes in, bytes out, no I/O.
//!
//! ```
//! let bytes = "JAHISTC08,1\r\n1,山田 太郎,1,S550101\r\n".as_bytes();
//! let doc = okusuri_jahis::read(bytes, okusuri_jahis::Mode::Lenient).unwrap();
//! assert_eq!(doc.patient.unwrap().birth_date.as_deref(), Some("1980-01-01"));
//! ```
//!
//! # Modes
//! [`Mode::Lenient`] returns the document with a list of [`Issue`]s:
//! deviations from the spec are warnings, lost or unplaceable data are
//! errors. [`Mode::Strict`] checks the same rules — field types (9/X/N),
//! Shift_JIS byte lengths, required fields by 出力区分, code tables, record
//! order, parent/child rules — and fails on any of them.
//!
//! # JSON (`okusuri jahis parse --json`)
//! The [`Document`] serialises with these keys (other tools rely on them):
//!
//! ```text
//! {"version":"JAHISTC08","output_category":1,"encoding":"cp932"|"utf-8"|"utf-8-bom",
//!  "patient":{"name","kana","sex","birth_date":"1958-03-03","birth_date_text":"S330303",
//!             "postal_code","address","phone","emergency_contact","blood_type","weight"},
//!  "notes":[{"kind","text","author"}],
//!  "otc":[{"name","start_date","start_date_text","end_date","end_date_text","author","seq","jan",
//!          "components":[{"seq","name","code_kind","code","author"}]}],
//!  "memos":[{"text","date","date_text","author"}],
//!  "dispensings":[{"date","date_text","author",
//!     "dispensed_at":{"name","prefecture","table","code","postal_code","address","phone","author"},
//!     "pharmacist":{"name","contact","author"}|null,
//!     "prescribed_at":{"name","prefecture","table","code","author"}|null,
//!     "rps":[{"rp","doctor":{"name","department","author"}|null,
//!             "drugs":[{"name","dose","unit","code_kind","code","author","generic_name",
//!                       "generic_code_kind","generic_code","notes":[Text],"cautions":[Text]}],
//!             "usage":{"name","quantity","unit","form","code_kind","code","author","notes":[Text]},
//!             "cautions":[Text]}],
//!     "cautions":[Text],"provided_info":[{"text","kind","author"}],"leftover":[Text],
//!     "remarks":[Text],"patient_entries":[{"text","date","date_text"}],"unknown":[Unknown]}],
//!  "pharmacists":[{"name","pharmacy","contact","start_date","start_date_text","end_date",
//!                  "end_date_text","author"}],
//!  "split":{"data_id","count","seq"},          (only in a part of split data)
//!  "unknown":[{"record","fields":[…]}],
//!  "issues":[{"line","record","field","severity":"error"|"warning","code","message"}]}
//! Text = {"text","author"}. Empty fields are null. Any record may carry
//! "extra":[…] with fields beyond those this version defines.
//! ```
//!
//! # Issue codes
//! `header.output_category`, `text.undecodable`, `text.control_character`, `field.required_missing`,
//! `field.type`, `field.date`, `field.code_unknown`, `field.too_long`,
//! `field.not_a_number`, `record.extra_fields`, `record.out_of_order`,
//! `patient.missing`, `patient.duplicate`, `otc.component_without_parent`,
//! `otc.component_code_missing`, `dispensing.without_date`,
//! `dispensing.duplicate_record`, `dispensing.institution_missing`,
//! `drug.code_missing`, `drug.code_format`, `drug.generic_code_missing`,
//! `drug.detail_without_drug`, `usage.without_drug`, `usage.code_missing`,
//! `usage.detail_without_usage`, `rp.usage_missing`.
//!
//! # Writing, splitting, QR
//! [`write`] gives CP932 + CR LF (or UTF-8); `read(write(doc)) == doc` for
//! every document the reader produces. [`split::split`] cuts at record
//! boundaries with 911 records, [`split::merge`] puts parts back in any
//! order, [`split::assemble`] also joins Structured Append chunks. [`qr`]
//! makes byte-mode, level-M symbols of at most
//! [`qr::QR_BYTES_PER_SYMBOL`] bytes.

pub mod date;
pub mod issue;
pub mod model;
pub mod qr;
pub mod reader;
pub mod schema;
pub mod split;
pub mod text;
pub mod writer;

pub use issue::{Issue, Severity};
pub use model::Document;
pub use reader::{Mode, ReadError, read};
pub use text::Encoding;
pub use writer::{WriteError, write};
