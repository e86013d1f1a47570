//! Language-model benchmarks on the shipped model: opening it and scoring the first word, and
//! query throughput over tokenized text (words/s). KenLM comparisons: scripts/bench/lm-bench.sh.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mtcheck::lm::LanguageModel;
use mtcheck::model_dir::{default_model_dir, LM_FILE};
use mtcheck::text::{lm_key, Tokenizer};

const TEXT: &str = include_str!("../examples/news.txt");

fn bench(c: &mut Criterion) {
    let path = default_model_dir().join(LM_FILE);
    c.bench_function("open model + first score", |b| {
        b.iter(|| {
            let lm = LanguageModel::open(&path).unwrap();
            lm.score(&lm.begin_sentence(), lm.word_id("the")).0
        })
    });

    let lm = LanguageModel::open(&path).unwrap();
    let tokenizer = Tokenizer::english().unwrap();
    let words: Vec<String> =
        tokenizer.tokenize(&TEXT.repeat(50)).iter().map(|t| lm_key(&t.text).into_owned()).collect();
    let mut group = c.benchmark_group("query");
    group.throughput(Throughput::Elements(words.len() as u64));
    group.bench_function("word ids + score", |b| {
        b.iter_batched(
            || (),
            |_| {
                let mut state = lm.begin_sentence();
                let mut total = 0f32;
                for w in &words {
                    let (p, _, next) = lm.score(&state, lm.word_id(w));
                    total += p;
                    state = next;
                }
                total
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
