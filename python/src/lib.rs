//! `mtcheck._mtcheck`: the Rust core as a Python extension module (PyO3, abi3). Thin on
//! purpose: every decision is the library's, and results cross as the same JSON the CLI
//! writes, so Python sees exactly the CLI's contract. Batches release the GIL and run on a
//! rayon pool. The Python package (`python/mtcheck/`) wraps this module.

use mtcheck::detect::full::Checker as FullChecker;
use mtcheck::detect::{Detector, Settings};
use mtcheck::filter::annotate::annotation;
use mtcheck::filter::{Rules, Scores};
use mtcheck::report::Report;
use mtcheck::DeepChecker;
use mtcheck::FastChecker;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

create_exception!(_mtcheck, MtcheckError, PyException, "An error of the mtcheck library.");
create_exception!(_mtcheck, ModelError, MtcheckError, "A model folder that is missing, incomplete or corrupt.");

fn to_py(e: mtcheck::Error) -> PyErr {
    match e {
        mtcheck::Error::BadModel { .. } | mtcheck::Error::Io { .. } | mtcheck::Error::Tokenizer(_) => {
            ModelError::new_err(e.to_string())
        }
        other => MtcheckError::new_err(other.to_string()),
    }
}

/// Pools by thread count, built once per process (None: rayon's global pool, all cores).
fn pool(threads: Option<usize>) -> PyResult<Option<Arc<rayon::ThreadPool>>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let Some(n) = threads else { return Ok(None) };
    if n == 0 {
        return Err(PyValueError::new_err("threads must be at least 1"));
    }
    let mut pools = POOLS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = pools.get(&n) {
        return Ok(Some(p.clone()));
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new().num_threads(n).build().map_err(|e| MtcheckError::new_err(e.to_string()))?,
    );
    pools.insert(n, p.clone());
    Ok(Some(p))
}

/// `f` over `texts` on the pool for `threads`, without the GIL, in order.
fn map_texts<T: Send>(
    py: Python<'_>,
    texts: Vec<String>,
    threads: Option<usize>,
    f: impl Fn(&str) -> T + Sync + Send,
) -> PyResult<Vec<T>> {
    let pool = pool(threads)?;
    Ok(py.detach(|| {
        let run = || texts.par_iter().map(|t| f(t)).collect();
        match &pool {
            Some(p) => p.install(run),
            None => run(),
        }
    }))
}

/// A model folder loaded once: the full (or deep) detector at once, the fast one on first use.
#[pyclass(frozen, module = "mtcheck._mtcheck")]
struct Checker {
    dir: PathBuf,
    detector: Reader,
    fast: OnceLock<Result<FastChecker, String>>,
}

/// What checks documents: the full detector, or the deep one (which holds its own full one).
enum Reader {
    Full(FullChecker),
    Deep(DeepChecker),
}

impl Checker {
    fn fast(&self) -> PyResult<&FastChecker> {
        // Mapped, not read into private memory: worker processes share its pages.
        let fast = self.fast.get_or_init(|| FastChecker::with_model_mapped(&self.dir).map_err(|e| e.to_string()));
        fast.as_ref().map_err(|e| ModelError::new_err(e.clone()))
    }

    fn report(&self, text: &str) -> Report {
        match &self.detector {
            Reader::Full(full) => full.check(text),
            Reader::Deep(deep) => deep.check(text),
        }
    }
}

#[pymethods]
impl Checker {
    /// Loads the model folder `model` (default: the shipped model, see `default_model_dir`).
    #[new]
    #[pyo3(signature = (model=None, threshold=None, deep=false))]
    fn new(model: Option<PathBuf>, threshold: Option<f32>, deep: bool) -> PyResult<Self> {
        if let Some(t) = threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(PyValueError::new_err(format!("threshold must be between 0 and 1, not {t}")));
            }
        }
        let dir = model.unwrap_or_else(mtcheck::model_dir::default_model_dir);
        let detector = if deep {
            let mut deep = DeepChecker::with_model(&dir).map_err(to_py)?;
            deep.apply(Settings { threshold, ..Settings::default() });
            Reader::Deep(deep)
        } else {
            let mut full = FullChecker::with_model(&dir).map_err(to_py)?;
            if let Some(t) = threshold {
                full.set_threshold(t);
            }
            Reader::Full(full)
        };
        Ok(Checker { dir, detector, fast: OnceLock::new() })
    }

    /// The model folder in use.
    #[getter]
    fn model_dir(&self) -> String {
        self.dir.display().to_string()
    }

    /// Sentences below this quality are flagged.
    #[getter]
    fn threshold(&self) -> f32 {
        match &self.detector {
            Reader::Full(full) => full.threshold(),
            Reader::Deep(deep) => Detector::threshold(deep).unwrap_or(0.5),
        }
    }

    /// One document's report as a JSON line (the CLI's `--format jsonl`, without `id`).
    fn check_json(&self, py: Python<'_>, text: String) -> String {
        py.detach(|| json(&text, &self.report(&text)))
    }

    /// [`Self::check_json`] of every text with the document verdict in words, in order, on
    /// `threads` cores (default: all).
    #[pyo3(signature = (texts, threads=None))]
    fn check_batch_json(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
    ) -> PyResult<Vec<(String, String)>> {
        map_texts(py, texts, threads, |t| {
            let report = self.report(t);
            (json(t, &report), report.verdict_text())
        })
    }

    /// Document qualities from the fast scorer (the crawl filter's: no spans, ~10× faster).
    #[pyo3(signature = (texts, threads=None))]
    fn score_fast(&self, py: Python<'_>, texts: Vec<String>, threads: Option<usize>) -> PyResult<Vec<f32>> {
        let fast = self.fast()?;
        map_texts(py, texts, threads, |t| fast.check(t).quality)
    }

    /// For every text: the `--annotate` object as JSON (with `keep` by the rules given) and
    /// the document verdict in words. `fast` scores with the fast scorer (no spans).
    #[pyo3(signature = (texts, min_quality=None, max_flagged=None, fast=false, threads=None, max_p_mt=None))]
    #[allow(clippy::too_many_arguments)] // the Python keyword arguments
    fn annotate_batch(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        min_quality: Option<f32>,
        max_flagged: Option<f32>,
        fast: bool,
        threads: Option<usize>,
        max_p_mt: Option<f32>,
    ) -> PyResult<Vec<(String, String)>> {
        let rules = Rules { min_quality, max_flagged, max_p_mt };
        let fast = if fast { Some(self.fast()?) } else { None };
        map_texts(py, texts, threads, |t| {
            let report = match fast {
                Some(f) => f.check(t),
                None => self.report(t),
            };
            let keep = rules.keeps(Scores::of(&report));
            (annotation(t, &report, Some(keep)).to_string(), report.verdict_text())
        })
    }
}

fn json(text: &str, report: &Report) -> String {
    serde_json::to_string(&report.to_json(text, None)).expect("a report serializes")
}

/// The model folder used when none is given: `$MTCHECK_MODEL_DIR`, else the `models/en` of
/// the source tree this module was built from.
#[pyfunction]
fn default_model_dir() -> String {
    mtcheck::model_dir::default_model_dir().display().to_string()
}

/// Collects what `mtcheck pairs` reports of unreadable records.
#[derive(Default)]
struct BadRecords(Vec<(String, usize, String)>);

impl mtcheck::pairs::PairsObserver for BadRecords {
    fn bad_record(&mut self, input: &str, line: usize, message: &str) {
        self.0.push((input.to_string(), line, message.to_string()));
    }

    fn progress(&mut self, _stage: &str, _done: u64, _total: u64, _stats: &mtcheck::pairs::PairStats) {}
}

/// `mtcheck pairs` over files: the JSON lines of every group member, and the unreadable
/// records as (input, line, message).
#[pyfunction]
#[pyo3(signature = (paths, field="text".to_string(), model=None, min_similarity=None))]
#[allow(clippy::type_complexity)]
fn find_pairs_json(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    field: String,
    model: Option<PathBuf>,
    min_similarity: Option<f32>,
) -> PyResult<(Vec<String>, Vec<(String, usize, String)>)> {
    let dir = model.unwrap_or_else(mtcheck::model_dir::default_model_dir);
    py.detach(|| {
        let mut options = mtcheck::pairs::PairsOptions { field: field.clone(), ..Default::default() };
        if let Some(m) = min_similarity {
            options.min_jaccard = m;
        }
        // As `mtcheck pairs` judges (tests/test_pairs.py compares the two).
        let finder = mtcheck::pairs::PairFinder::open(&dir, options, false).map_err(to_py)?;
        let mut bad = BadRecords::default();
        let pairs = finder.run(&paths, &mut bad).map_err(to_py)?;
        let names: Vec<String> = paths.iter().map(|p| mtcheck::io::input::display(p)).collect();
        let lines = pairs
            .members
            .iter()
            .map(|m| pairs.json_line(m, &names, &field).map(|v| v.to_string()))
            .collect::<mtcheck::Result<Vec<String>>>()
            .map_err(to_py)?;
        Ok((lines, bad.0))
    })
}

#[pymodule]
fn _mtcheck(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Checker>()?;
    m.add_function(wrap_pyfunction!(find_pairs_json, m)?)?;
    m.add_function(wrap_pyfunction!(default_model_dir, m)?)?;
    m.add("MtcheckError", m.py().get_type::<MtcheckError>())?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    Ok(())
}
