"""The literature knowledge base at scale: a generated 5,000-entry papers.bib.

Times three stages separately and together, as the median of several runs:
parse + validate (``parse_bibliography``), and render (the paper pages and the
readings page with its .bib downloads, through the real render code, without
MkDocs).  The generated file looks like real exports: Zotero/Better BibTeX
style fields, LaTeX accents in names, case-protecting braces, @string venues
joined with ``#``, month macros, crossref'd proceedings, ``and others``,
abstracts (some with math) and keywords from the course's topic vocabulary.
The course's own entries are included, so backlinks are exercised too.

    python -m bench            # every benchmark
    python -m bench.bench_bibliography [entries] [runs]
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

from bench.report import ROOT, publish, table

TARGET_SECONDS = 5.0

TOPICS = ["interpretability", "training", "language-modeling", "alignment", "fine-tuning", "background",
          "course-material", "architectures", "circuits", "scaling", "transformers", "compression", "safety",
          "activation-patching", "attention", "probing", "rlhf", "sparse-autoencoders", "grokking", "prompting",
          "superposition", "software", "ethics", "induction-heads", "logit-lens", "tokenization"]
FIRST = ["Ashish", "Noam", "Niki", "Jakob", "Llion", "Aidan", "Catherine", "Nelson", "Neel", "Chris", "Tom",
         "Jos{\\'e}", "J{\\\"o}rg", "Fran{\\c c}ois", "{\\L}ukasz", "Ren{\\'e}e", "S{\\o}ren", "Zo{\\\"e}", "Anna",
         "Yoshua", "Geoffrey E.", "Jimmy Lei", "Diederik P.", "Mor", "Kevin", "Alethea", "Lawrence", "Adri{\\`a}",
         "Maria", "Wei", "Priya", "Olga", "Kenji", "Amara", "Lucas", "Ingrid", "Tomás", "Ahmed", "Mei", "Sven"]
# Surnames are built from syllables so that, as in a real bibliography, few papers share "Surname et al. year".
STEMS = ["Vas", "Sha", "Par", "Usz", "Jon", "Gom", "Ols", "Elh", "Nan", "Ol", "Ben", "Hin", "King", "Gev", "Men", "Pow",
         "Chan", "Con", "Wan", "Zha", "Kim", "Smi", "Tay", "Rad", "Kap", "Hof", "Bro", "Mül", "Dup", "Kow", "Nak", "Sil"]
ENDS = ["wani", "zeer", "mar", "koreit", "es", "ez", "son", "age", "da", "ah", "gio", "ton", "ma", "va", "ng", "er",
        "ford", "lan", "berg", "ski", "mura", "va", "ler", "ré", "ova", "ez", "ini", "sen"]
ACCENTED = ["M{\\\"u}ller", "Garc{\\'i}a", "Dupr{\\'e} la Tour", "{\\O}rsted", "Ko{\\v c}isk{\\'y}", "{\\v S}imek",
            "van der Berg", "de las Casas"]
LAST = [stem + end for stem in STEMS for end in ENDS] + ACCENTED
WORDS = ("attention heads residual stream transformer circuits superposition features sparse autoencoders "
         "probing representations language models scaling laws training dynamics grokking induction "
         "in-context learning alignment reward models preference optimization fine-tuning tokenization "
         "mechanistic interpretability activation patching logit lens layer normalization optimizers").split()
VENUES = {"neurips": "Advances in Neural Information Processing Systems", "icml": "International Conference on Machine Learning",
          "iclr": "International Conference on Learning Representations", "tmlr": "Transactions on Machine Learning Research"}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def generate(entries: int, seed: int = 598) -> str:
    """A papers.bib with the course's entries first and generated ones up to ``entries``."""
    rng = random.Random(seed)
    course = (ROOT / "papers.bib").read_text(encoding="utf-8")
    blocks = [course, "\n".join(f'@string{{{k}x = "{v}"}}' for k, v in VENUES.items()),
              '@string{procs = "Proceedings of the "}']
    proceedings = []
    for i in range(20):
        key = f"proc{i}"
        proceedings.append(key)
        blocks.append(f"@proceedings{{{key},\n  title = procs # \"{2000 + i} Workshop on {rng.choice(WORDS).title()}\",\n"
                      f"  editor = {{{rng.choice(LAST)}, {rng.choice(FIRST)}}},\n  year = {{{2000 + i}}},\n  publisher = {{PMLR}}\n}}")
    existing = course.count("\n@") - course.count("\n@string")
    for i in range(entries - existing - len(proceedings)):
        blocks.append(_entry(rng, i, proceedings))
    return "\n\n".join(blocks) + "\n"


def _entry(rng: random.Random, i: int, proceedings: list[str]) -> str:
    year = rng.randint(1990, 2025)
    people = [f"{rng.choice(LAST)}, {rng.choice(FIRST)}" for _ in range(min(int(rng.paretovariate(1.2)), 30))]
    author = " and ".join(people) + (" and others" if rng.random() < 0.15 else "")
    words = rng.sample(WORDS, rng.randint(3, 8))
    title = " ".join(words).capitalize()
    if rng.random() < 0.5:
        title = "{" + rng.choice(["GPT", "BERT", "LoRA", "RLHF"]) + "}: " + title
    if rng.random() < 0.2:
        title += " -- a \\emph{case} study"
    sentences = [" ".join(rng.choices(WORDS, k=rng.randint(8, 20))).capitalize() + "." for _ in range(rng.randint(4, 9))]
    if rng.random() < 0.2:
        sentences.insert(1, "We prove an $O(n^2)$ bound for {$d$}-dimensional heads.")
    topics = rng.sample(TOPICS[: rng.randint(4, len(TOPICS))], rng.randint(1, 4))
    kind = rng.random()
    fields = [f"author = {{{author}}}", f"title = {{{title}}}", f"year = {{{year}}}"]
    if kind < 0.35:
        fields = ["@inproceedings{"] + fields + [f"booktitle = {rng.choice(list(VENUES))}x # \" {year}\"", f"pages = {{{i}--{i + 9}}}"]
    elif kind < 0.55:
        fields = ["@article{"] + fields + [f"journal = {{Journal of {rng.choice(WORDS).title()}}}", f"volume = {{{rng.randint(1, 99)}}}",
                                           f"doi = {{10.{rng.randint(1000, 99999)}/j.{i}}}"]
    elif kind < 0.65:
        fields = ["@inproceedings{"] + fields + [f"crossref = {{{rng.choice(proceedings)}}}"]
    else:
        arxiv = f"{rng.randint(15, 24):02d}{rng.randint(1, 12):02d}.{rng.randint(10000, 99999)}"
        fields = ["@misc{"] + fields + [f"eprint = {{{arxiv}}}", "archiveprefix = {arXiv}", f"url = {{https://arxiv.org/abs/{arxiv}}}"]
    if rng.random() < 0.4:
        fields.append(f"month = {rng.choice(MONTHS)}")
    fields += [f"abstract = {{{' '.join(sentences)}}}", f"keywords = {{{', '.join(topics)}}}"]
    head, *rest = fields
    return f"{head}gen{i:05d}{year},\n  " + ",\n  ".join(rest) + "\n}"


def _stages(text: str, data, ctx) -> dict:
    """One run: seconds of wall-clock and of CPU time for each stage, and what was made."""
    from course.data.bibliography import parse_bibliography
    from course.render import papers, readings

    marks = [(time.perf_counter(), time.process_time())]
    bib, problems = parse_bibliography(text, "papers.bib")
    marks.append((time.perf_counter(), time.process_time()))
    assert not problems, problems[:3]
    data = dataclasses.replace(data, bibliography=bib)
    files = papers.pages(data, ctx) + readings.pages(data, ctx)
    marks.append((time.perf_counter(), time.process_time()))
    wall = [b[0] - a[0] for a, b in zip(marks, marks[1:])]
    cpu = [b[1] - a[1] for a, b in zip(marks, marks[1:])]
    return {"wall": wall + [sum(wall)], "cpu": cpu + [sum(cpu)], "papers": len(bib.papers), "files": files}


def main(entries: int = 5000, runs: int = 5) -> None:
    from course.ground import latex
    from course.data.load import load_course_data
    from course.ground.layout import Layout
    from course.render.env import SiteContext

    data = load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)
    ctx = SiteContext(site_url="https://example.org/course/", hand_written={})
    text = generate(entries)
    results = []
    for _ in range(runs):
        latex.clear_caches()  # every run decodes from scratch
        results.append(_stages(text, data, ctx))
    files = results[-1]["files"]
    size = sum(len(f.content) for f in files) / 1e6
    print(f"{results[-1]['papers']} entries ({len(text) / 1e6:.1f} MB of BibTeX), median of {runs} runs "
          f"(wall-clock / CPU seconds; CPU time is what this process used, should the machine be busy):")
    rows = []
    for i, stage in enumerate(["parse + validate", f"render ({len(files)} files, {size:.0f} MB)", "total"]):
        wall = statistics.median(r["wall"][i] for r in results)
        cpu = statistics.median(r["cpu"][i] for r in results)
        print(f"  {stage:34} {wall:6.2f} s / {cpu:6.2f} s")
        rows.append([stage, f"{wall:.2f} s", f"{cpu:.2f} s"])
    total = statistics.median(r["wall"][2] for r in results)
    verdict = f"target: total under {TARGET_SECONDS:.0f} s wall-clock: {'OK' if total < TARGET_SECONDS else 'TOO SLOW'}"
    loop = f"this machine: a 10-million-step Python loop takes {_loop_seconds():.2f} s of CPU (compare machines by it)"
    print(f"  {verdict}\n  {loop}")
    publish("bibliography", "A 5,000-entry bibliography",
            f"A generated `papers.bib` of {results[-1]['papers']:,} entries ({len(text) / 1e6:.1f} MB, written the way Zotero "
            f"exports it) parsed, validated and rendered into its paper pages and readings page, median of {runs} runs "
            f"in one process:\n\n{table(['stage', 'wall-clock', 'CPU'], rows)}\n\n{verdict[0].upper() + verdict[1:]}; {loop[len('this machine: '):]}.", runs=runs)


def _loop_seconds() -> float:
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
