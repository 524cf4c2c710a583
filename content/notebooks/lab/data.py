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


def _story(rng: random.Random) -> Story:
    hero, friend = rng.sample(sorted(HEROES), 2)
    he, him, his = PRONOUNS[HEROES[hero]]
    She = he.capitalize()
    f_he = PRONOUNS[HEROES[friend]][0]
    place, spot, pet = rng.choice(PLACES), rng.choice(HIDING_SPOTS), rng.choice(PETS)
    thing = f"{rng.choice(COLOURS)} {rng.choice(THINGS)}"
    a_thing = ("an " if thing[0] in "aeiou" else "a ") + thing
    good, bad = rng.choice(FEELINGS_GOOD), rng.choice(FEELINGS_BAD)

    opening = rng.choice([
        f"Once upon a time, there was a {rng.choice(TRAITS)} {HEROES[hero]} named {hero}.",
        f"One day, a {rng.choice(TRAITS)} {HEROES[hero]} named {hero} went to {place}.",
        f"{hero} was a {rng.choice(TRAITS)} {HEROES[hero]} who loved {place}.",
    ])  # fmt: skip
    plot = rng.choice(["find", "lose", "share", "storm", "want"])
    if plot == "find":
        middle = [
            f"{She} went to {place} with {his} {pet}.",
            f"{She} saw {a_thing} {spot}.",
            f'{hero} said, "Look, {a_thing}!"',
            f"{She} showed the {thing} to {friend}.",
            f'{friend} said, "Can I play with it?"',
            f'{hero} said, "Yes, we can play together."',
            f"They played with the {thing} until the sun went down.",
        ]
    elif plot == "lose":
        middle = [
            f"{hero} had {a_thing}.",
            f"One day, {he} lost the {thing} at {place}.",
            f"{hero} was very {bad}.",
            f'{She} said, "Where is my {thing}?"',
            f"{friend} came to help {him}.",
            f"They looked {spot}, and there it was!",
            f"{hero} was {good} and hugged {friend}.",
        ]
    elif plot == "share":
        n = rng.choice(["two", "three", "four", "five"])
        food = rng.choice(FOODS)
        middle = [
            f"{hero} had {n} {food}.",
            f"{She} saw {friend} sitting alone at {place}.",
            f"{friend} had no {food}, and {f_he} was {bad}.",
            f'{hero} said, "You can have some of my {food}."',
            f"{friend} smiled and said, \"Thank you, {hero}!\"",
            f"They ate the {food} together and felt {good}.",
        ]
    elif plot == "storm":
        middle = [
            f"{She} was playing at {place} with {his} {pet}.",
            "Then the sky got dark and it began to rain.",
            f"{hero} felt {bad}.",
            f'{She} said, "I want to go home!"',
            f"{friend} held {his} hand and said, \"Do not be {bad}.\"",
            f"They ran home, and {his} {pet} ran with them.",
        ]
    else:  # want
        middle = [
            f"{hero} wanted {a_thing}.",
            f"{She} saw one at the shop near {place}.",
            f'{She} asked {friend}, "Will you help me get it?"',
            f'{friend} said, "Yes! Let us save our coins."',
            f"After many days, {hero} had enough coins.",
            f"{She} got the {thing} and was very {good}.",
        ]
    text = " ".join([opening, *middle, rng.choice(ENDINGS)])
    return Story(text=text, hero=hero, gender=HEROES[hero], friend=friend, plot=plot)


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
