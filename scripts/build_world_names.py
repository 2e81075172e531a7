"""Build companion/privacy/data/world_names.tsv: first and last names beyond the US Census.

The census gazetteer (``names.tsv``) knows "Maria" and "Gonzalez" but not
"Otieno", "Oluwaseun", "Nguyen Thi" spellings or "Przybylski": the 1990 US
sample under-counts the names of many of the people residents care for. This
file adds the romanised first and last names that the Faker package ships for
its locales (Kenya, Nigeria, Ghana, India, Pakistan, Vietnam, the Philippines,
Poland, Turkey, Brazil, ...). Faker is MIT-licensed (copyright 2012 Daniele
Faraglia); its person lists are curated by hand per locale. Only the derived
file is kept; Faker is not a dependency.

A name is folded to plain lower-case ASCII (accents removed, "ł" -> "l"), the
number of locales that list it as a first or a last name is kept as a weak
frequency, and it is marked as a word when ``words.txt`` has it (so "rose" and
"grace" stay weak evidence, as in the census file). Names of one letter and
names only written in another script are left out.

Run: ``python scripts/build_world_names.py --faker DIR`` where DIR holds the
unpacked ``faker`` package (``unzip faker-*.whl``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "companion" / "privacy" / "data"
OUT = DATA / "world_names.tsv"

HEADER = """\
# World names for the privacy guard (built by scripts/build_world_names.py).
# Columns: name (plain lower-case ASCII), how many Faker locales list it as a first name,
# as a last name, and 1 when it is also an ordinary English word (in words.txt).
# Source: the person providers of Faker (MIT licence, copyright 2012 Daniele Faraglia).
"""

_FIRST = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
          "first_romanized_names", "first_names_male_romanized",
          "first_names_female_romanized")
_LAST = ("last_names", "last_romanized_names", "last_names_romanized", "last_names_male",
         "last_names_female")
_EXTRA = str.maketrans({"ı": "i", "ə": "e", "ł": "l", "ø": "o", "ß": "ss", "đ": "d",
                        "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "’": "'"})


def fold(word: str) -> str:
    """Plain lower-case ASCII: "Özil" -> "ozil", "Wałęsa" -> "walesa"."""
    low = word.lower().translate(_EXTRA)
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def _names(values: object) -> list[str]:
    if isinstance(values, dict):
        values = list(values)
    if not isinstance(values, (list, tuple)):
        return []
    out = []
    for value in values:
        for part in str(value).replace("-", " ").split():
            folded = fold(part)
            if len(folded) > 1 and folded.replace("'", "").isascii() \
                    and folded.replace("'", "").isalpha():
                out.append(folded)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faker", type=Path, required=True,
                        help="folder holding the unpacked faker package")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sys.path.insert(0, str(args.faker))
    person = importlib.import_module("faker.providers.person")

    first: dict[str, set[str]] = defaultdict(set)
    last: dict[str, set[str]] = defaultdict(set)
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attrs, table in ((_FIRST, first), (_LAST, last)):
            for attr in attrs:
                for name in _names(getattr(provider, attr, None)):
                    table[name].add(module.name)
    words = {line.strip() for line in (DATA / "words.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    rows = [f"{name}\t{len(first.get(name, ()))}\t{len(last.get(name, ()))}\t{int(name in words)}"
            for name in sorted(set(first) | set(last))]
    args.out.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(rows)} names ({len(first)} first, {len(last)} last)")


if __name__ == "__main__":
    main()
