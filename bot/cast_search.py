"""Find cast members by character name, actor name, first name, surname or nickname.

The index is built once per dataset and answers from memory, because autocomplete cannot be deferred.
Names are normalised (casefold, accents and punctuation stripped), split into tokens, and indexed
so that no query scans every entry:

- a dict from whole names (name, actor, multi-word aliases) to entries, for exact full-name hits;
- an inverted index from tokens to entries, with a sorted vocabulary for prefix ranges (bisect);
- a deletion index over the vocabulary (every token with up to 2 letters deleted), giving typo
  candidates that a bounded edit distance confirms;
- a trigram index over the vocabulary, for the looser "did you mean" when nothing matches.

The cost of a query follows the size of the postings it touches, not the size of the dataset
(`python -m bench.bench_cast_search` measures it at 34 and 10,000 characters). A linear scan with
rapidfuzz took ~29 ms per query at 10,000; SQLite FTS5 trigram is fast but has no typo tolerance.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.dataset import CHARACTER_GROUPS, Character, Dataset
from bot.errors import NotFoundError

# Work per query is bounded whatever a client sends: a name never needs more than this.
MAX_QUERY_CHARS = 100
MAX_QUERY_TOKENS = 6
MAX_TOKEN_CHARS = 32
# A prefix or typo can match thousands of entries in a big dataset; rank at most this many.
CANDIDATE_CAP = 500
SUGGESTION_LIMIT = 25
DID_YOU_MEAN_LIMIT = 3
# "Did you mean" only offers names at least this similar (1 - edits / length) to what was typed.
CLOSE_ENOUGH = 0.6
CLOSE_CANDIDATES = 16

EXACT, PREFIX, FUZZY = 0, 1, 2

# Letters NFKD does not decompose into a base letter plus accent.
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefolded, accent-free words separated by single spaces ("Zoë O'Brien-Hall" -> "zoe obrien hall")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD_LETTERS)
    # An apostrophe joins ("O'Brien" is one name); any other punctuation separates words.
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", bare)).split())


def query_tokens(text: str) -> list[str]:
    """The tokens a query is matched on, bounded in number and length."""
    tokens = normalise(text[:MAX_QUERY_CHARS]).split()
    return [token[:MAX_TOKEN_CHARS] for token in tokens[:MAX_QUERY_TOKENS]]


def display_order(characters: Iterable[Character]) -> list[Character]:
    """Main cast, then recurring, then guests (the dataset's groups, in its order); stable within a group."""
    group_order = {group: index for index, group in enumerate(CHARACTER_GROUPS)}
    return sorted(characters, key=lambda c: group_order.get(c.group, len(group_order)))


def _compact(normalised: str) -> str:
    return normalised.replace(" ", "")


def _name_tokens(text: str) -> set[str]:
    """Tokens of a name, plus each hyphenated word joined ("Hyde-Corrin" -> hyde, corrin, hydecorrin)."""
    tokens = set(normalise(text).split())
    for word in text.split():
        parts = normalise(word).split()
        if len(parts) > 1:
            tokens.add("".join(parts))
    return tokens


def max_edits(token: str) -> int:
    """Typos tolerated in a query token: none in short words (too many false friends), then 1, then 2."""
    if len(token) < 4:
        return 0
    return 1 if len(token) < 6 else 2


def bounded_distance(a: str, b: str, bound: int) -> int | None:
    """Optimal-string-alignment distance (edits, with adjacent swaps as one) if it is <= bound, else None."""
    if abs(len(a) - len(b)) > bound:
        return None
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_best = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_best = min(row_best, value)
        if row_best > bound:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= bound else None


def _trigrams(token: str) -> set[str]:
    padded = f"${token}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _typo_cost(typed: str, word: str, edits: int) -> int:
    """Edits, tie-broken by the first letter, which people rarely mistype ("Charly": Charlie, not Harry)."""
    return 2 * edits + (typed[:1] != word[:1])


def deletions(token: str, depth: int) -> set[str]:
    """`token` and every string made by deleting up to `depth` of its characters."""
    variants = {token}
    frontier = {token}
    for _ in range(depth):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        variants |= frontier
    return variants


@dataclass(frozen=True, slots=True)
class Found:
    character: Character


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Several entries fit equally well; `more` says there are others beyond `candidates`."""

    candidates: tuple[Character, ...]
    more: bool = False


@dataclass(frozen=True, slots=True)
class NotFound:
    """Nothing fits; `suggestions` are the closest names, possibly none."""

    suggestions: tuple[Character, ...]


LookupResult = Found | Ambiguous | NotFound


@dataclass(frozen=True, slots=True)
class _Scored:
    tier: int  # the worst match kind over the query tokens: EXACT, PREFIX or FUZZY
    distance: int  # total typo cost (see _typo_cost)
    rank: int

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.tier, self.distance, self.rank)


class CastIndex:
    """An in-memory search index over a dataset's characters; immutable once built."""

    def __init__(self, characters: Iterable[Character]) -> None:
        # Rank = position in display order, so sorting entry numbers sorts by importance and
        # postings are born sorted.
        self.entries: tuple[Character, ...] = tuple(display_order(characters))
        self._by_id = {character.id: rank for rank, character in enumerate(self.entries)}
        self._full_names: dict[str, list[int]] = {}
        self._actor_roles: dict[str, list[int]] = {}
        self._entry_tokens: list[frozenset[str]] = []
        postings: dict[str, list[int]] = {}
        for rank, character in enumerate(self.entries):
            # Single-word aliases ("Nelson", "Spring") are surnames or first names: they match as
            # tokens, so "Nelson" lists every Nelson instead of picking one.
            full_names = [character.name, character.actor]
            full_names += [alias for alias in character.aliases if len(normalise(alias).split()) > 1]
            for name in full_names:
                key = _compact(normalise(name))
                if key and rank not in self._full_names.setdefault(key, []):
                    self._full_names[key].append(rank)
            actor_key = _compact(normalise(character.actor))
            if actor_key:
                self._actor_roles.setdefault(actor_key, []).append(rank)
            tokens: set[str] = set()
            for text in (character.name, character.actor, *character.aliases):
                tokens |= _name_tokens(text)
            self._entry_tokens.append(frozenset(tokens))
            for token in tokens:
                postings.setdefault(token, []).append(rank)
        self._postings = {token: tuple(ranks) for token, ranks in postings.items()}
        self._vocabulary = sorted(self._postings)
        deletion_index: dict[str, list[str]] = {}
        trigram_index: dict[str, list[str]] = {}
        for token in self._vocabulary:
            # A query token reaches this one only within max_edits of its own length: 1 edit for
            # 3-letter words (from a 4-letter query), 2 from longer ones; shorter ones only exactly.
            depth = 0 if len(token) < 3 else 1 if len(token) == 3 else 2
            for variant in deletions(token, depth):
                deletion_index.setdefault(variant, []).append(token)
            for gram in _trigrams(token):
                trigram_index.setdefault(gram, []).append(token)
        self._deletion_index = {variant: tuple(tokens) for variant, tokens in deletion_index.items()}
        self._trigram_index = {gram: tuple(tokens) for gram, tokens in trigram_index.items()}

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> CastIndex:
        return cls(dataset.characters)

    def __len__(self) -> int:
        return len(self.entries)

    # -- public queries -----------------------------------------------------------------------

    def lookup(self, query: str) -> LookupResult:
        """The one entry `query` names, the entries it fits equally, or the closest names."""
        by_id = self._by_id.get(query.strip())
        if by_id is not None:  # an autocomplete choice's value
            return Found(self.entries[by_id])
        tokens = query_tokens(query)
        if not tokens:
            return NotFound(())
        full = self._full_names.get(_compact(" ".join(tokens)), [])
        if len(full) == 1:
            return Found(self.entries[full[0]])
        if full:  # one actor, several roles
            return Ambiguous(self._characters(full[:SUGGESTION_LIMIT]), len(full) > SUGGESTION_LIMIT)

        # One more than a menu holds, to know whether there are more.
        scored = self._search(tokens, SUGGESTION_LIMIT + 1)
        if not scored:
            return NotFound(self._closest(tokens))
        best = scored[0]
        # Exact and prefix matches tie on their kind alone; typo matches also on how many edits.
        ties = [
            s.rank
            for s in scored
            if s.tier == best.tier and (best.tier != FUZZY or s.distance == best.distance)
        ]
        if len(ties) == 1:
            return Found(self.entries[best.rank])
        return Ambiguous(self._characters(ties[:SUGGESTION_LIMIT]), len(ties) > SUGGESTION_LIMIT)

    def suggest(self, query: str, limit: int = SUGGESTION_LIMIT) -> list[Character]:
        """Autocomplete: the best entries for a partly typed name, best first; the main cast when empty."""
        tokens = query_tokens(query)
        if not tokens:
            main = [c for c in self.entries if c.group == CHARACTER_GROUPS[0]] or list(self.entries)
            return main[:limit]
        full = self._full_names.get(_compact(" ".join(tokens)), [])
        ranks = full + [s.rank for s in self._search(tokens, limit) if s.rank not in full]
        return list(self._characters(ranks[:limit]))

    def get(self, character_id: str) -> Character | None:
        rank = self._by_id.get(character_id)
        return None if rank is None else self.entries[rank]

    def other_roles(self, character: Character) -> tuple[Character, ...]:
        """Every other entry played by the same actor."""
        key = _compact(normalise(character.actor))
        if not key:
            return ()
        return tuple(
            self.entries[r] for r in self._actor_roles.get(key, ()) if self.entries[r].id != character.id
        )

    # -- matching -----------------------------------------------------------------------------

    def _characters(self, ranks: Iterable[int]) -> tuple[Character, ...]:
        return tuple(self.entries[rank] for rank in ranks)

    def _token_matches(self, token: str) -> dict[str, tuple[int, int]]:
        """Vocabulary tokens `token` matches, each with (match kind, typo cost)."""
        matches: dict[str, tuple[int, int]] = {}
        start = bisect.bisect_left(self._vocabulary, token)
        for candidate in itertools.islice(self._vocabulary, start, None):
            if not candidate.startswith(token):
                break
            matches[candidate] = (EXACT, 0) if candidate == token else (PREFIX, 0)
        for candidate, edits in self._typo_matches(token):
            matches.setdefault(candidate, (FUZZY, _typo_cost(token, candidate, edits)))
        return matches

    def _typo_matches(self, token: str) -> Iterator[tuple[str, int]]:
        """Vocabulary tokens within `max_edits(token)` edits of `token`, with their edit count.

        Two strings within k edits become equal after at most k deletions from each (a swap is one
        deletion on each side), so looking up the token's deletion variants finds every candidate.
        """
        bound = max_edits(token)
        if bound == 0:
            return
        candidates: set[str] = set()
        for variant in deletions(token, bound):
            candidates.update(self._deletion_index.get(variant, ()))
        for candidate in candidates:
            edits = bounded_distance(token, candidate, bound)
            if edits is not None:
                yield candidate, edits

    def _candidates(self, matches: dict[str, tuple[int, int]]) -> Iterator[tuple[int, tuple[int, int]]]:
        """Entries holding any matched token with the best match kind: best kind first, by rank within it."""
        by_kind: dict[tuple[int, int], list[tuple[int, ...]]] = {}
        for candidate, kind in matches.items():
            by_kind.setdefault(kind, []).append(self._postings[candidate])
        seen: set[int] = set()
        for kind in sorted(by_kind):
            for rank in heapq.merge(*by_kind[kind]):
                if rank not in seen:
                    seen.add(rank)
                    yield rank, kind

    def _search(self, tokens: Sequence[str], limit: int) -> list[_Scored]:
        """The best `limit` entries where every query token matches one of the entry's tokens, best first.

        Candidates stream from the most selective query token, best match first; the other tokens
        are checked per entry. An entry's final (kind, edits) is never better than its pivot match,
        so once `limit` entries score at or above the stream's current pivot kind, no later
        candidate can beat them and the search stops.
        """
        per_token = [self._token_matches(token) for token in tokens]
        if not all(per_token):
            return []
        sizes = [sum(len(self._postings[t]) for t in matches) for matches in per_token]
        pivot = min(range(len(tokens)), key=sizes.__getitem__)
        scored: list[_Scored] = []
        settled = 0
        current_kind: tuple[int, int] | None = None
        for rank, kind in itertools.islice(self._candidates(per_token[pivot]), CANDIDATE_CAP):
            if kind != current_kind:
                current_kind = kind
                settled = sum(1 for s in scored if (s.tier, s.distance) <= kind)
            if settled >= limit:
                break
            entry_tokens = self._entry_tokens[rank]
            tier = distance = 0
            for matches in per_token:
                best = min((matches[t] for t in entry_tokens if t in matches), default=None)
                if best is None:
                    break
                tier, distance = max(tier, best[0]), distance + best[1]
            else:
                scored.append(_Scored(tier, distance, rank))
                settled += (tier, distance) <= kind
        scored.sort(key=lambda s: s.key)
        return scored[:limit]

    def _closest(self, tokens: Sequence[str]) -> tuple[Character, ...]:
        """For "did you mean": entries matching the most query tokens, then the most similar spelling."""
        score: dict[int, tuple[int, float]] = {}
        for token in tokens:
            best_per_entry: dict[int, float] = {}
            for candidate, similarity in self._similar_tokens(token):
                for rank in self._postings[candidate][:CANDIDATE_CAP]:
                    best_per_entry[rank] = max(best_per_entry.get(rank, 0.0), similarity)
            for rank, similarity in best_per_entry.items():
                hits, total = score.get(rank, (0, 0.0))
                score[rank] = (hits + 1, total + similarity)
        best = sorted(score, key=lambda rank: (-score[rank][0], -score[rank][1], rank))
        return tuple(self.entries[rank] for rank in best[:DID_YOU_MEAN_LIMIT])

    def _similar_tokens(self, token: str) -> Iterator[tuple[str, float]]:
        """Vocabulary tokens spelled like `token`, looser than typo tolerance, with their similarity."""
        if token in self._postings:
            yield token, 1.0
            return
        shared: Counter[str] = Counter()
        for gram in _trigrams(token):
            shared.update(self._trigram_index.get(gram, ()))
        # Only the likeliest few are compared: a loose edit bound over many words would be slow.
        bound = max(1, len(token) // 2)
        for candidate, _ in shared.most_common(CLOSE_CANDIDATES):
            edits = bounded_distance(token, candidate, bound)
            if edits is None:
                continue
            similarity = 1 - edits / max(len(token), len(candidate))
            if similarity >= CLOSE_ENOUGH:
                yield candidate, similarity


def cast_members(dataset: Dataset, season: int | None = None) -> tuple[Character, ...]:
    """The cast in display order (main, recurring, guest), optionally only those in `season`."""
    members = display_order(dataset.characters)
    if season is None:
        return tuple(members)
    numbers = [production.number for production in dataset.seasons if production.number is not None]
    if season not in numbers:
        known = ", ".join(str(number) for number in numbers) or "none yet"
        raise NotFoundError(f"There is no season {season} in the dataset. Seasons: {known}.")
    return tuple(character for character in members if season in character.seasons)
