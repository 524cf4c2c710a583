"""Byte-pair encoding (Sennrich et al. 2016), as small as it can be.

Start from single characters. Repeatedly find the pair of adjacent symbols that
occurs most often in the training text and merge it into one new symbol. The
list of merges, in order, *is* the tokenizer: to encode new text, apply the same
merges in the same order. As in GPT-2 (Radford et al. 2019), text is first cut
into chunks (a word with the space before it, a run of punctuation, a run of
whitespace) and merges never cross a chunk boundary.
"""

from __future__ import annotations

import re
from collections import Counter

CHUNK = re.compile(r" ?[A-Za-z0-9]+| ?[^A-Za-z0-9\s]+|\s+")


def chunks(text: str) -> list[str]:
    return CHUNK.findall(text)


def merge(symbols: list[str], pair: tuple[str, str]) -> list[str]:
    """Replace every occurrence of ``pair`` (left to right) by the concatenated symbol."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def train_bpe(text: str, n_merges: int) -> list[tuple[str, str]]:
    """The first ``n_merges`` merges learned from ``text`` (fewer if nothing is left to merge)."""
    chunk_counts = Counter(chunks(text))
    split = {chunk: list(chunk) for chunk in chunk_counts}  # each chunk as a list of symbols
    merges = []
    for _ in range(n_merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for chunk, count in chunk_counts.items():
            symbols = split[chunk]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], p))  # ties broken by the pair itself: deterministic
        merges.append(best)
        split = {chunk: merge(symbols, best) for chunk, symbols in split.items()}
    return merges


class BPETokenizer:
    def __init__(self, text: str, n_merges: int):
        self.merges = train_bpe(text, n_merges)
        self.vocab = sorted(set(text)) + [a + b for a, b in self.merges]
        self.index = {token: i for i, token in enumerate(self.vocab)}
        self._memo: dict[str, list[str]] = {}  # chunk -> its tokens (text repeats words a lot)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def tokenize(self, text: str) -> list[str]:
        """``text`` as a list of token strings; joining them gives ``text`` back."""
        out = []
        for chunk in chunks(text):
            if chunk not in self._memo:
                symbols = list(chunk)
                for pair in self.merges:
                    symbols = merge(symbols, pair)
                self._memo[chunk] = symbols
            out.extend(self._memo[chunk])
        return out

    def encode(self, text: str) -> list[int]:
        return [self.index[token] for token in self.tokenize(text)]

    def decode(self, ids) -> str:
        return "".join(self.vocab[int(i)] for i in ids)
