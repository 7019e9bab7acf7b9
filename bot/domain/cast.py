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

Longer than 400 lines because the index and its matching stages are one algorithm over shared private
state; split, each half would reach into the other's internals.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from rapidfuzz.distance import OSA

from bot.domain.model import CHARACTER_GROUPS, Character, Dataset, Production

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

CachedT = TypeVar("CachedT")

# Letters NFKD does not decompose into a base letter plus accent.
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefolded, accent-free words separated by single spaces ("Zoë O'Brien-Hall" -> "zoe obrien hall")."""
    if text.isascii():
        # ASCII has no accents to strip or letters to fold, and casefold is lower: the same result,
        # 4x faster, and nearly every name is ASCII (the index normalises ~90,000 at 10,000 characters).
        bare = text.lower()
    else:
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


def _name_tokens(text: str, norm: Callable[[str], str] = normalise) -> set[str]:
    """Tokens of a name, plus each hyphenated word joined ("Hyde-Corrin" -> hyde, corrin, hydecorrin)."""
    tokens = set(norm(text).split())
    for word in text.split():
        if word.isascii() and word.isalnum():
            continue  # one word without punctuation normalises to one token, already in `tokens`
        parts = norm(word).split()
        if len(parts) > 1:
            tokens.add("".join(parts))
    return tokens


def max_edits(token: str) -> int:
    """Typos tolerated in a query token: none in short words (too many false friends), then 1, then 2."""
    if len(token) < 4:
        return 0
    return 1 if len(token) < 6 else 2


def typo_bound(typed: str, word: str) -> int:
    """Typos tolerated between a query token and a name's token: the query's allowance, and at most one
    in a name of under six letters. Two edits turn "Nellie" into "Elle", half of that name: not a typo."""
    return min(max_edits(typed), 1 if len(word) < 6 else 2)


def bounded_distance(a: str, b: str, bound: int) -> int | None:
    """Optimal-string-alignment distance (edits, with adjacent swaps as one) if it is <= bound, else None."""
    if abs(len(a) - len(b)) > bound:
        return None
    # rapidfuzz's OSA is the same distance in C: 0.2 µs against 29 µs for a Python dynamic
    # programme, which was the largest cost of a typo lookup at 10,000 characters (cProfile).
    edits = OSA.distance(a, b, score_cutoff=bound)
    return edits if edits <= bound else None


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
class _MatchedRanks:
    size: int  # the sum of the matched tokens' postings: how selective the query token is
    ranks: frozenset[int]


# Per-token results kept by an index; past this many, the oldest are dropped, so a client sending
# endless new strings only evicts entries and cannot grow memory.
TOKEN_CACHE_SIZE = 4096


def _remember(cache: dict[str, CachedT], token: str, value: CachedT) -> None:
    if len(cache) >= TOKEN_CACHE_SIZE:
        del cache[next(iter(cache))]  # the oldest: dicts keep insertion order
    cache[token] = value


class _Scored(NamedTuple):
    # A tuple, so the sort order is (tier, distance, rank) and building one per candidate is cheap
    # (a frozen dataclass's __init__ was 10% of the matcher's time at 10,000 characters).
    tier: int  # the worst match kind over the query tokens: EXACT, PREFIX or FUZZY
    distance: int  # total typo cost (see _typo_cost)
    rank: int


class CastIndex:
    """An in-memory search index over a dataset's characters; immutable once built (caches only memoise)."""

    def __init__(self, characters: Iterable[Character]) -> None:
        # Rank = position in display order, so sorting entry numbers sorts by importance and
        # postings are born sorted.
        self.entries: tuple[Character, ...] = tuple(display_order(characters))
        self._by_id = {character.id: rank for rank, character in enumerate(self.entries)}
        self._full_names: dict[str, list[int]] = {}
        self._actor_roles: dict[str, list[int]] = {}
        self._entry_tokens: list[frozenset[str]] = []
        postings: dict[str, list[int]] = {}
        # Building normalises every name, actor and word several times, and first names and surnames
        # repeat across a cast: memoised for the build only (half of the build at 10,000 characters).
        normalised: dict[str, str] = {}

        def norm(text: str) -> str:
            value = normalised.get(text)
            if value is None:
                value = normalised[text] = normalise(text)
            return value

        for rank, character in enumerate(self.entries):
            # Single-word aliases ("Nelson", "Spring") are surnames or first names: they match as
            # tokens, so "Nelson" lists every Nelson instead of picking one.
            full_names = [character.name, character.actor]
            full_names += [alias for alias in character.aliases if len(norm(alias).split()) > 1]
            for name in full_names:
                key = _compact(norm(name))
                if key and rank not in self._full_names.setdefault(key, []):
                    self._full_names[key].append(rank)
            actor_key = _compact(norm(character.actor))
            if actor_key:
                self._actor_roles.setdefault(actor_key, []).append(rank)
            tokens: set[str] = set()
            for text in (character.name, character.actor, *character.aliases):
                tokens |= _name_tokens(text, norm)
            self._entry_tokens.append(frozenset(tokens))
            for token in tokens:
                postings.setdefault(token, []).append(rank)
        self._postings = {token: tuple(ranks) for token, ranks in postings.items()}
        self._vocabulary = sorted(self._postings)
        deletion_index: dict[str, list[str]] = {}
        trigram_index: dict[str, list[str]] = {}
        for token in self._vocabulary:
            # A query token reaches this one only within typo_bound: 1 edit for 3- to 5-letter words,
            # 2 for longer ones; shorter ones only exactly (no query within one edit is long enough).
            depth = 0 if len(token) < 3 else 1 if len(token) < 6 else 2
            for variant in deletions(token, depth):
                deletion_index.setdefault(variant, []).append(token)
            for gram in _trigrams(token):
                trigram_index.setdefault(gram, []).append(token)
        # Kept as built (private, never mutated after this): copying ~100,000 lists into tuples was a
        # quarter of the build at 10,000 characters.
        self._deletion_index = deletion_index
        self._trigram_index = trigram_index
        # What autocomplete offers before anything is typed: one of a keystroke-by-keystroke
        # sequence's queries, and a scan of every entry (0.8 ms at 10,000 characters) if not kept.
        main = [c for c in self.entries if c.group == CHARACTER_GROUPS[0]] or list(self.entries)
        self._main_cast = tuple(main[:SUGGESTION_LIMIT])
        self._token_cache: dict[str, dict[str, tuple[int, int]]] = {}
        self._ranks_cache: dict[str, _MatchedRanks] = {}

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
            if limit <= len(self._main_cast):
                return list(self._main_cast[:limit])
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
        """Vocabulary tokens `token` matches, each with (match kind, typo cost); shared, never mutate."""
        # A pure function of the token on an immutable index, and people type the same names and
        # prefixes ("m", "ma", "nick") again and again: at 10,000 characters the prefix scan and the
        # typo distances were a third of a query's time (cProfile over bench_cast_search's queries).
        matches = self._token_cache.get(token)
        if matches is None:
            matches = {}
            start = bisect.bisect_left(self._vocabulary, token)
            for candidate in itertools.islice(self._vocabulary, start, None):
                if not candidate.startswith(token):
                    break
                matches[candidate] = (EXACT, 0) if candidate == token else (PREFIX, 0)
            for candidate, edits in self._typo_matches(token):
                matches.setdefault(candidate, (FUZZY, _typo_cost(token, candidate, edits)))
            _remember(self._token_cache, token, matches)
        return matches

    def _matched_ranks(self, token: str) -> _MatchedRanks:
        """Every entry holding a token that `token` matches, and the total size of those postings."""
        matched = self._ranks_cache.get(token)
        if matched is None:
            postings = [self._postings[candidate] for candidate in self._token_matches(token)]
            matched = _MatchedRanks(
                size=sum(len(ranks) for ranks in postings), ranks=frozenset().union(*postings)
            )
            _remember(self._ranks_cache, token, matched)
        return matched

    def _typo_matches(self, token: str) -> Iterator[tuple[str, int]]:
        """Vocabulary tokens within `typo_bound(token, word)` edits of `token`, with their edit count.

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
            edits = bounded_distance(token, candidate, typo_bound(token, candidate))
            if edits is not None:
                yield candidate, edits

    def _candidates(
        self, matches: dict[str, tuple[int, int]], allowed: frozenset[int] | None = None
    ) -> Iterator[tuple[int, tuple[int, int]]]:
        """Entries holding any matched token with the best match kind: best kind first, by rank within it.

        With `allowed`, only those entries, in the same order.
        """
        by_kind: dict[tuple[int, int], list[tuple[int, ...]]] = {}
        for candidate, kind in matches.items():
            by_kind.setdefault(kind, []).append(self._postings[candidate])
        seen: set[int] = set()
        for kind in sorted(by_kind):
            if allowed is None:
                ranks: Iterable[int] = heapq.merge(*by_kind[kind])
            else:
                ranks = sorted(allowed.intersection(itertools.chain.from_iterable(by_kind[kind])))
            for rank in ranks:
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
        sizes = [self._matched_ranks(token).size for token in tokens]
        pivot = min(range(len(tokens)), key=sizes.__getitem__)
        # Entries holding a match for every other token, as one set: most pivot candidates of a
        # two-word query ("Aisha Greenhill") lack the other word, and a set test (in C) rejects them
        # before the per-entry scoring below. That scoring was 60% of the matcher's time at 10,000
        # characters (cProfile over bench_cast_search's queries); the candidates and their order,
        # the cap included, are unchanged.
        others = [self._matched_ranks(token).ranks for i, token in enumerate(tokens) if i != pivot]
        other_matches = [matches for i, matches in enumerate(per_token) if i != pivot]
        allowed = frozenset.intersection(*others) if others else None
        if allowed is not None and sizes[pivot] <= CANDIDATE_CAP:
            # The cap cannot cut this stream (it holds at most `size` entries), so the entries the
            # other tokens rule out need not be streamed at all: the same candidates, in the same order.
            stream = self._candidates(per_token[pivot], allowed)
        else:
            stream = itertools.islice(self._candidates(per_token[pivot]), CANDIDATE_CAP)
        scored: list[_Scored] = []
        settled = 0
        current_kind: tuple[int, int] | None = None
        for rank, kind in stream:
            if kind != current_kind:
                current_kind = kind
                settled = sum(1 for s in scored if (s.tier, s.distance) <= kind)
            if settled >= limit:
                break
            if allowed is not None and rank not in allowed:
                continue
            # The stream gives each entry at its best pivot match, so only the other tokens are
            # scored here (a single-word query needs no scoring at all).
            tier, distance = kind
            entry_tokens = self._entry_tokens[rank]
            for matches in other_matches:
                best = min((matches[t] for t in entry_tokens if t in matches), default=None)
                if best is None:
                    break
                tier, distance = max(tier, best[0]), distance + best[1]
            else:
                scored.append(_Scored(tier, distance, rank))
                settled += (tier, distance) <= kind
        scored.sort()  # by (tier, distance, rank)
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
        # Ties broken by the word itself: Counter order follows set iteration, which changes with
        # the process's hash seed, and "did you mean" must not change between restarts.
        likeliest = heapq.nsmallest(CLOSE_CANDIDATES, shared.items(), key=lambda item: (-item[1], item[0]))
        for candidate, _ in likeliest:
            edits = bounded_distance(token, candidate, bound)
            if edits is None:
                continue
            similarity = 1 - edits / max(len(token), len(candidate))
            if similarity >= CLOSE_ENOUGH:
                yield candidate, similarity


def cast_members(dataset: Dataset, production: Production | None = None) -> tuple[Character, ...]:
    """The cast in display order (main, recurring, guest), optionally only those in one season, or in
    the film (confirmed or expected: the list says which)."""
    members = display_order(dataset.characters)
    if production is None:
        return tuple(members)
    if production.kind == "season":
        return tuple(character for character in members if production.number in character.seasons)
    return tuple(character for character in members if character.film is not None)
