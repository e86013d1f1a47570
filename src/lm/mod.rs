//! The n-gram language model: training ([`train`]), the in-memory form ([`estimated`]),
//! ARPA import/export ([`arpa`]), the model file ([`storage`]) and queries ([`model`]).

pub mod arpa;
pub mod estimated;
pub mod model;
pub mod ngram;
pub mod storage;
pub mod train;

pub use estimated::NgramModel;
pub use model::{LanguageModel, State};
