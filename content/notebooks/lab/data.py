"""Text for the notebooks: a generated corpus of tiny stories, a character tokenizer, batches.

Nothing is downloaded. ``tiny_stories()`` writes a few hundred kilobytes of short
children's stories from a small grammar (characters, places, objects and five
plots), so every run of every notebook sees the same text. The grammar also
knows facts about each story, such as the hero's gender, that a probe can later
look for inside a trained model. ``load_text(path)`` swaps in any text file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

HEROES = {  # name -> gender
    "Lily": "girl", "Mia": "girl", "Anna": "girl", "Zoe": "girl", "Ella": "girl", "Sue": "girl",
    "Tom": "boy", "Ben": "boy", "Max": "boy", "Tim": "boy", "Leo": "boy", "Sam": "boy",
}  # fmt: skip
PRONOUNS = {"girl": ("she", "her", "her"), "boy": ("he", "him", "his")}  # subject, object, possessive
TRAITS = ["little", "kind", "brave", "happy", "curious", "shy"]
PETS = ["dog", "cat", "bird", "frog", "puppy", "bunny"]
PLACES = ["the park", "the forest", "the beach", "the garden", "the farm", "the lake", "the hill", "the old castle"]
HIDING_SPOTS = ["under a tree", "behind a rock", "in the grass", "near the water", "under a big leaf", "by the gate"]
COLOURS = ["red", "blue", "green", "yellow", "shiny", "little", "big", "old"]
THINGS = ["ball", "kite", "box", "hat", "book", "shell", "key", "cup", "drum", "boat", "stone", "flower"]
FOODS = ["apples", "cookies", "cakes", "plums", "grapes"]
FEELINGS_GOOD = ["happy", "glad", "proud", "excited"]
FEELINGS_BAD = ["sad", "scared", "worried", "upset"]
ENDINGS = ["The end.", "From that day on, they were best friends.", "It was the best day ever."]


@dataclass(frozen=True)
class Story:
    text: str
    hero: str
    gender: str  # "girl" | "boy": which pronouns the text uses for the hero
    friend: str
    plot: str


@dataclass(frozen=True)
class _Cast:
    """Who and what one story is about, drawn before its plot."""

    hero: str
    friend: str
    he: str
    him: str
    his: str
    She: str  # the pronoun that starts a sentence
    f_he: str  # the friend's pronoun
    place: str
    spot: str
    pet: str
    thing: str
    a_thing: str
    good: str
    bad: str


def _story(rng: random.Random) -> Story:
    hero, friend = rng.sample(sorted(HEROES), 2)
    he, him, his = PRONOUNS[HEROES[hero]]
    place, spot, pet = rng.choice(PLACES), rng.choice(HIDING_SPOTS), rng.choice(PETS)
    thing = f"{rng.choice(COLOURS)} {rng.choice(THINGS)}"
    a_thing = ("an " if thing[0] in "aeiou" else "a ") + thing
    good, bad = rng.choice(FEELINGS_GOOD), rng.choice(FEELINGS_BAD)
    cast = _Cast(hero, friend, he, him, his, he.capitalize(), PRONOUNS[HEROES[friend]][0], place, spot, pet,
                 thing, a_thing, good, bad)
    opening = rng.choice([
        f"Once upon a time, there was a {rng.choice(TRAITS)} {HEROES[hero]} named {hero}.",
        f"One day, a {rng.choice(TRAITS)} {HEROES[hero]} named {hero} went to {place}.",
        f"{hero} was a {rng.choice(TRAITS)} {HEROES[hero]} who loved {place}.",
    ])  # fmt: skip
    plot = rng.choice(["find", "lose", "share", "storm", "want"])
    text = " ".join([opening, *_middle(plot, cast, rng), rng.choice(ENDINGS)])
    return Story(text=text, hero=hero, gender=HEROES[hero], friend=friend, plot=plot)


def _middle(plot: str, c: _Cast, rng: random.Random) -> list[str]:
    """The sentences of one plot (the "share" plot draws its own food and count)."""
    if plot == "find":
        return [
            f"{c.She} went to {c.place} with {c.his} {c.pet}.",
            f"{c.She} saw {c.a_thing} {c.spot}.",
            f'{c.hero} said, "Look, {c.a_thing}!"',
            f"{c.She} showed the {c.thing} to {c.friend}.",
            f'{c.friend} said, "Can I play with it?"',
            f'{c.hero} said, "Yes, we can play together."',
            f"They played with the {c.thing} until the sun went down.",
        ]
    if plot == "lose":
        return [
            f"{c.hero} had {c.a_thing}.",
            f"One day, {c.he} lost the {c.thing} at {c.place}.",
            f"{c.hero} was very {c.bad}.",
            f'{c.She} said, "Where is my {c.thing}?"',
            f"{c.friend} came to help {c.him}.",
            f"They looked {c.spot}, and there it was!",
            f"{c.hero} was {c.good} and hugged {c.friend}.",
        ]
    if plot == "share":
        n = rng.choice(["two", "three", "four", "five"])
        food = rng.choice(FOODS)
        return [
            f"{c.hero} had {n} {food}.",
            f"{c.She} saw {c.friend} sitting alone at {c.place}.",
            f"{c.friend} had no {food}, and {c.f_he} was {c.bad}.",
            f'{c.hero} said, "You can have some of my {food}."',
            f"{c.friend} smiled and said, \"Thank you, {c.hero}!\"",
            f"They ate the {food} together and felt {c.good}.",
        ]
    if plot == "storm":
        return [
            f"{c.She} was playing at {c.place} with {c.his} {c.pet}.",
            "Then the sky got dark and it began to rain.",
            f"{c.hero} felt {c.bad}.",
            f'{c.She} said, "I want to go home!"',
            f"{c.friend} held {c.his} hand and said, \"Do not be {c.bad}.\"",
            f"They ran home, and {c.his} {c.pet} ran with them.",
        ]
    return [  # want
        f"{c.hero} wanted {c.a_thing}.",
        f"{c.She} saw one at the shop near {c.place}.",
        f'{c.She} asked {c.friend}, "Will you help me get it?"',
        f'{c.friend} said, "Yes! Let us save our coins."',
        f"After many days, {c.hero} had enough coins.",
        f"{c.She} got the {c.thing} and was very {c.good}.",
    ]


def tiny_stories(n_stories: int = 1500, seed: int = 0) -> list[Story]:
    """``n_stories`` stories from the grammar above (about 400 characters each)."""
    rng = random.Random(seed)
    return [_story(rng) for _ in range(n_stories)]


def load_text(path: str | Path | None = None) -> str:
    """The generated corpus (one story per line) or, given a path, that file's text."""
    if path is not None:
        return Path(path).read_text(encoding="utf-8")
    return "\n".join(story.text for story in tiny_stories()) + "\n"


class CharTokenizer:
    """Each distinct character of the training text is one token."""

    def __init__(self, text: str):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        return [self.index[c] for c in text]

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


@dataclass(frozen=True)
class Dataset:
    tokenizer: CharTokenizer
    train: Tensor  # (n_train,) token ids
    val: Tensor  # (n_val,) token ids


def char_dataset(text: str, val_fraction: float = 0.1) -> Dataset:
    """Character-level tokens, the first (1 - val_fraction) of the text for training, the rest
    for validation. A contiguous split: the model is scored on text it has never seen."""
    tok = CharTokenizer(text)
    ids = torch.tensor(tok.encode(text), dtype=torch.long)
    n_train = int(len(ids) * (1 - val_fraction))
    return Dataset(tok, ids[:n_train], ids[n_train:])


def get_batch(data: Tensor, batch_size: int, context_length: int, generator: torch.Generator | None = None):
    """``batch_size`` random windows: x = data[i : i+T], y = data[i+1 : i+T+1] (the next token)."""
    starts = torch.randint(len(data) - context_length - 1, (batch_size,), generator=generator)
    x = torch.stack([data[i : i + context_length] for i in starts.tolist()])
    y = torch.stack([data[i + 1 : i + context_length + 1] for i in starts.tolist()])
    return x, y  # each (batch, context_length)
