//! The pharmacy's tables: patients and their dispensings (JAHIS import,
//! history rows), からだの情報/メモ, cards and visits, the patient list,
//! merges and ID remaps, the receipt-computer feed's ledger, and the notebook
//! export. The core (accounts, settings, the access log, the one write path,
//! backups) is beside this folder; the clinic's tables will have their own.

pub mod body;
pub mod cards;
pub mod export;
pub mod feed_ledger;
pub mod history;
pub mod import;
pub mod link;
pub mod merge;
pub mod notebook;
pub mod patient_list;
pub mod patients;
pub mod remap;
