//! Okusuri Desk's pure domain: rules and views with no database, no window
//! and no I/O. The pharmacist's medication rules ([`medication`]), the labels
//! the screens show ([`labels`]), and the お薬履歴 view with its one builder
//! ([`history`]) — used for the stored history and for another pharmacy's
//! notebook ([`notebook`]) alike, so both always show a dispensing the same way —
//! and the import gate ([`gate`]) every piece of outside data passes.

pub mod gate;
pub mod history;
pub mod labels;
pub mod medication;
pub mod notebook;

pub use history::{
    DispensingFacts, DrugFacts, HistoryDispensing, HistoryDrug, HistoryRp, Note, RpFacts, note,
};
