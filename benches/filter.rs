//! The filter's per-document stages on the shipped model, in bytes/s of text: tokenizing
//! (ASCII and non-ASCII fast paths against the `tokenizers` pipeline's speed), and the fast
//! scorer against the detector on the same document. End to end with KenLM and monocleaner
//! beside it: scripts/bench/filter-bench.sh.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mtcheck::text::Tokenizer;
use mtcheck::Checker;
use mtcheck::FastChecker;

const NEWS: &str = include_str!("../examples/news.txt");

fn bench(c: &mut Criterion) {
    let tokenizer = Tokenizer::english().unwrap();
    let ascii = NEWS.replace(|c: char| !c.is_ascii(), " ");
    let accented = ascii.replace("Afghanistan", "Afghānistān").replace("said", "saïd");
    let mut group = c.benchmark_group("tokenize");
    for (name, text) in [("ascii", &ascii), ("non-ascii", &accented)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0;
                tokenizer.tokenize_into(text, &mut |_| n += 1);
                n
            })
        });
    }
    group.finish();

    let fast = FastChecker::new().unwrap();
    let full = Checker::new().unwrap();
    let mut group = c.benchmark_group("score document");
    group.throughput(Throughput::Bytes(NEWS.len() as u64));
    group.bench_function("fast scorer", |b| b.iter(|| fast.check(NEWS).quality));
    group.sample_size(20);
    group.bench_function("detector", |b| b.iter(|| full.check(NEWS).quality));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
