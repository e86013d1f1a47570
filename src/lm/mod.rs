//! The n-gram language model: training ([`train`]), the in-memory form ([`estimated`]),
//! ARPA import/export ([`arpa`]).

pub mod arpa;
pub mod estimated;
pub mod ngram;
pub mod storage;
pub mod train;

pub use estimated::NgramModel;
