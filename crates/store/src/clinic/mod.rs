//! The clinic half's data: the masters a clinic supplies ([`masters`]), its
//! usages mapped to standard codes, and the journal of every request to the
//! OQS terminal ([`journal`]).

pub mod issued;
pub mod journal;
pub mod masters;
