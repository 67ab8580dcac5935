"""Synthetic twarc2 and v1.1 files for the movement benchmark: realistic field sets, ~40% retweets whose
originals are in the file too (twarc2: in `includes.tweets`; v1.1: in `retweeted_status`)."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

TAGS = [
    "MeToo",
    "metoo",
    "TimesUp",
    "BalanceTonPorc",
    "YoTambién",
    "WhyIDidntReport",
    "MeTooIndia",
    "NousToutes",
    "QuellaVoltaChe",
    "أنا_كمان",
    "米兔",
    "news",
    "Hollywood",
    "MAGA",
    "vote",
]
WORDS = (
    "me too it happened to me when I was young and nobody believed what he did at work every day "
    "we stand with survivors this is a witch hunt read the story new law parliament vote"
).split()
LANGS = ["en"] * 7 + ["fr", "es", "und", "it", "ar"]
START = datetime(2017, 10, 15, 12, tzinfo=UTC)


def _text(rng: random.Random) -> tuple[str, list[str]]:
    words = rng.choices(WORDS, k=rng.randint(12, 40))
    tags = rng.sample(TAGS, rng.choice([1, 1, 1, 2, 2, 3]))
    if rng.random() < 0.8:
        tags = ["MeToo", *[t for t in tags if t != "MeToo"]][: len(tags)]
    return " ".join(words) + " " + " ".join("#" + t for t in tags), tags


def _entities(text: str, tags: list[str]) -> dict:
    hashtags = []
    for tag in tags:
        start = text.find("#" + tag)
        hashtags.append({"start": start, "end": start + len(tag) + 1, "tag": tag})
    return {
        "hashtags": hashtags,
        "urls": [
            {
                "start": 0,
                "end": 23,
                "url": "https://t.co/abcdefghij",
                "expanded_url": "https://example.org/story/12345",
                "display_url": "example.org/story/12345",
            }
        ],
    }


def _user(n: int) -> dict:
    return {
        "id": str(10_000 + n),
        "name": f"User {n}",
        "username": f"user{n}",
        "created_at": "2012-03-04T05:06:07.000Z",
        "description": "Writer, reader, runner. Opinions my own. " * 2,
        "location": "Somewhere",
        "profile_image_url": f"https://pbs.example/profile_images/{n}/photo_normal.jpg",
        "protected": False,
        "verified": False,
        "public_metrics": {
            "followers_count": n % 5000,
            "following_count": 300,
            "tweet_count": 12000,
            "listed_count": 4,
        },
    }


def _tweet(
    rng: random.Random, tweet_id: int, when: datetime, author: int, text: str, tags: list[str]
) -> dict:
    return {
        "id": str(tweet_id),
        "text": text,
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "author_id": str(10_000 + author),
        "conversation_id": str(tweet_id),
        "lang": rng.choice(LANGS),
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "edit_history_tweet_ids": [str(tweet_id)],
        "public_metrics": {
            "retweet_count": rng.randint(0, 900),
            "reply_count": 3,
            "like_count": 10,
            "quote_count": 0,
            "impression_count": 0,
        },
        "entities": _entities(text, tags),
    }


def posts(count: int, seed: int = 7):
    """Yield (tweet, original or None): 40% retweets of an earlier original."""
    rng = random.Random(seed)
    originals: list[dict] = []
    for n in range(count):
        when = START + timedelta(seconds=n * 86_400 * 3 / count)
        author = rng.randrange(count // 3 + 1)
        if originals and rng.random() < 0.4:
            original = rng.choice(originals)
            text = f"RT @user{original['author_id']}: " + original["text"][:110] + "…"
            tweet = _tweet(rng, 10**17 + n, when, author, text, [])
            tweet["entities"] = {"hashtags": []}
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": original["id"]}]
            yield tweet, original
        else:
            text, tags = _text(rng)
            tweet = _tweet(rng, 10**17 + n, when, author, text, tags)
            originals.append(tweet)
            if len(originals) > 5000:
                originals = originals[-2500:]
            yield tweet, None


def write_twarc2(path: Path, count: int, per_page: int = 100) -> None:
    with path.open("wb") as out:
        page, refs = [], {}
        for tweet, original in posts(count):
            page.append(tweet)
            if original:
                refs[original["id"]] = original
            if len(page) == per_page:
                out.write(_page(page, refs) + b"\n")
                page, refs = [], {}
        if page:
            out.write(_page(page, refs) + b"\n")


def _page(page: list[dict], refs: dict) -> bytes:
    authors = {tweet["author_id"] for tweet in page} | {tweet["author_id"] for tweet in refs.values()}
    return orjson.dumps(
        {
            "data": page,
            "includes": {
                "users": [_user(int(a) - 10_000) for a in sorted(authors)],
                "tweets": list(refs.values()),
            },
            "meta": {"result_count": len(page), "newest_id": page[-1]["id"], "oldest_id": page[0]["id"]},
            "__twarc": {
                "url": "https://api.twitter.com/2/tweets/search/all",
                "version": "2.14.0",
                "retrieved_at": "2024-01-01T00:00:00+00:00",
            },
        }
    )


def _v1(tweet: dict) -> dict:
    when = datetime.strptime(tweet["created_at"], "%Y-%m-%dT%H:%M:%S.000Z")  # noqa: DTZ007
    user = _user(int(tweet["author_id"]) - 10_000)
    return {
        "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id": int(tweet["id"]),
        "id_str": tweet["id"],
        "text": tweet["text"],
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "truncated": False,
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "user": {
            "id": int(user["id"]),
            "id_str": user["id"],
            "name": user["name"],
            "screen_name": user["username"],
            "location": user["location"],
            "description": user["description"],
            "followers_count": 10,
            "friends_count": 300,
            "statuses_count": 12000,
            "created_at": "Sun Mar 04 05:06:07 +0000 2012",
            "profile_image_url_https": user["profile_image_url"],
            "verified": False,
            "lang": None,
        },
        "is_quote_status": False,
        "retweet_count": tweet["public_metrics"]["retweet_count"],
        "favorite_count": 10,
        "entities": {
            "hashtags": [
                {"text": h["tag"], "indices": [h["start"], h["end"]]}
                for h in tweet["entities"].get("hashtags", [])
            ],
            "urls": [],
            "user_mentions": [],
            "symbols": [],
        },
        "favorited": False,
        "retweeted": False,
        "filter_level": "low",
        "lang": tweet["lang"],
        "timestamp_ms": str(int(when.replace(tzinfo=UTC).timestamp() * 1000)),
    }


def repeat_with_new_ids(source: Path, target: Path, copies: int) -> None:
    """`copies` copies of a generated file, each with its tweet ids moved to a fresh range (the leading 1 of
    10**17 + n becomes 2, 3, ...) so nothing de-duplicates away: a big input in the time it takes to copy."""
    with target.open("wb") as out:
        for copy in range(copies):
            with source.open("rb") as handle:
                for block in iter(lambda: handle.readlines(32 << 20), []):
                    data = b"".join(block)
                    if copy:
                        data = data.replace(b'"1000', b'"%d000' % (copy + 1))
                    out.write(data)


def write_v1(path: Path, count: int) -> None:
    with path.open("wb") as out:
        for tweet, original in posts(count):
            record = _v1(tweet)
            if original:
                record["retweeted_status"] = _v1(original)
            out.write(orjson.dumps(record) + b"\n")
