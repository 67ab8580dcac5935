"""ustoo settings: one file, read from the environment (see .env.example for every variable)."""

import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from ustoo.core.env import env_bool, env_int, env_list, env_secret, env_str
from ustoo.core.mail import mailer_from_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("USTOO_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("USTOO_DEBUG")


def _secret_key() -> str:
    """USTOO_SECRET_KEY, or a random key generated once and kept in the data directory."""
    configured = env_secret("USTOO_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Receipts and the tags linking members to what they said anonymously are derived from this key. It
# must never change (rotating SECRET_KEY must not lock people out of their stories).
OWNERSHIP_KEY = env_secret("USTOO_OWNERSHIP_KEY") or SECRET_KEY

ALLOWED_HOSTS = env_list("USTOO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_NAME = env_str("USTOO_SITE_NAME", "ustoo")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_htmx",
    "ustoo.core",
    "ustoo.accounts",
    "ustoo.stories",
    "ustoo.moderation",
    "ustoo.magnitude",
    "ustoo.movement",
    "ustoo.campaigns",
    "ustoo.matching",
    "ustoo.journal",
    "ustoo.upstanders",
]

MIDDLEWARE = [
    "ustoo.core.middleware.PrivacyHeadersMiddleware",
    "ustoo.core.concurrency.ActiveRequestsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ustoo.urls"
WSGI_APPLICATION = "ustoo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ustoo.core.context_processors.site",
                "ustoo.stories.context_processors.receipt_session",
                "ustoo.moderation.context_processors.help_services",
            ],
        },
    },
]

# Database: a SQLite file in the data directory by default, PostgreSQL when DATABASE_URL is set.
if env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=0)}
    # A pool per server process, each request borrowing a connection and giving it back: the server
    # runs many threads (see USTOO_THREADS), and a connection kept by each would exceed PostgreSQL's
    # max_connections (100 by default) with a few processes.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("USTOO_DB_POOL_SIZE", 8),
        "timeout": 20,
    }
    if env_bool("USTOO_DB_TRANSACTION_POOLER"):
        # Behind pgbouncer in transaction mode, each transaction may run on another server connection:
        # no server-side cursor (it would outlive its transaction) and no prepared statement (it would
        # exist on one connection only). docs/DEPLOY.md.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend on a current SQLite build (FTS5 secure-delete needs 3.44+).
            "ENGINE": "ustoo.core.sqlite_backend",
            "NAME": DATA_DIR / "ustoo.sqlite3",
            # Tests run on a file too, as the site does (an in-memory database locks whole tables).
            "TEST": {"NAME": DATA_DIR / "test-ustoo.sqlite3"},
            # Keep each thread's connection: opening one runs the PRAGMAs below every time.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                # A transaction takes the write lock when it begins, so two never deadlock upgrading.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete zeroes what a deletion frees (deleted words leave the file at once).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON; "
                    "PRAGMA cache_size=-20000; PRAGMA mmap_size=268435456"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rate-limit counters (HMACs, never addresses) and rendered fragments. It must be
# shared by every worker process: a directory in the data dir by default, Redis or memcached when set.
CACHE_URL = env_str("USTOO_CACHE_URL")
if CACHE_URL.startswith("redis"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("memcached://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": CACHE_URL.removeprefix("memcached://"),
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # On one machine: SQLite files in the data directory (diskcache), shared by every worker, with an
    # atomic incr, so rate limits count every attempt however many arrive at once.
    CACHES = {
        "default": {
            "BACKEND": "ustoo.core.cache.PersistentDiskCache",
            "LOCATION": CACHE_URL.removeprefix("file://") or str(DATA_DIR / "cache"),
            "OPTIONS": {"size_limit": 2**28},
        }
    }

# Whole pages (the wall, for WALL_CACHE_SECONDS) and the layout's fragments, in each process's memory:
# kept seconds or minutes, never written to disk, where a deleted story's words would linger.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
}
WALL_CACHE_SECONDS = env_int("USTOO_WALL_CACHE_SECONDS", 2)

AUTH_USER_MODEL = "accounts.Member"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "stories:wall"
PASSWORD_HASHERS = ["ustoo.accounts.hashers.OwaspArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Rate limits: (attempts, seconds) per client (a daily-keyed HMAC of the address, kept only in the
# cache) and per browser session. Over a limit the answer is 429 with Retry-After.
RATE_LIMITS_ENABLED = env_bool("USTOO_RATE_LIMITS", default=True)
RATE_LIMITS = {
    "speak": ((20, 3600), (10, 3600)),
    "solidarity": ((120, 3600), (60, 3600)),
    "reply": ((30, 3600), (20, 3600)),
    "flag": ((30, 3600), (20, 3600)),
    "receipt": ((20, 900), (10, 900)),
    "campaign_sign": ((30, 3600), (15, 3600)),
    "campaign_confirm": ((60, 3600), (30, 3600)),
    "contact": ((5, 3600), (3, 3600)),
    "register": ((10, 3600), (3, 3600)),
    # The journal: opening is what a guesser would repeat; writing and uploading bound disk use.
    "journal_open": ((20, 900), (10, 900)),
    "journal_create": ((10, 3600), (5, 3600)),
    "journal_entry": ((240, 3600), (120, 3600)),
    "journal_attachment": ((120, 3600), (60, 3600)),
    # Pledging, reporting that one stepped up, owning harm done (ustoo/upstanders).
    "upstand": ((20, 3600), (10, 3600)),
}
# A client over one of those limits is answered after a pause of up to REFUSAL_HOLD_MS (never longer
# than its Retry-After), so a flood that sends again at once is slowed to a trickle instead of
# keeping the server busy. At most REFUSAL_HOLD_SLOTS refusals pause at once in each server process
# (the rest are answered at once): keep it a few below the threads per process (USTOO_THREADS), so
# paused refusals never take every thread from other readers.
SERVER_THREADS = env_int("USTOO_THREADS", 64)
# Of those threads, how many work at once in a process (the others wait for a place without the
# GIL; a paused refusal gives its place up): more would only queue for the GIL and the write lock.
ACTIVE_REQUESTS = env_int("USTOO_ACTIVE_REQUESTS", 4)
REFUSAL_HOLD_MS = env_int("USTOO_REFUSAL_HOLD_MS", 1000)
REFUSAL_HOLD_SLOTS = env_int("USTOO_REFUSAL_HOLD_SLOTS", max(0, SERVER_THREADS - 8))
# Above this many attempts to speak per minute across the site, people without an account first
# solve a small proof-of-work puzzle in their browser (no third-party CAPTCHA).
FLOOD_THRESHOLD_PER_MINUTE = env_int("USTOO_FLOOD_THRESHOLD_PER_MINUTE", 300)
POW_DIFFICULTY_BITS = env_int("USTOO_POW_DIFFICULTY_BITS", 18)
LOGIN_FAILURE_LIMIT = env_int("USTOO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("USTOO_LOGIN_LOCKOUT_SECONDS", 15 * 60)

# Sessions and cookies: session-only, first-party, never readable by script.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "__Host-session"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("USTOO_SESSION_SECONDS", 8 * 60 * 60)
CSRF_COOKIE_NAME = "__Host-csrf"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "ustoo.core.views.csrf_failure"
LANGUAGE_COOKIE_NAME = "__Host-lang"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_AGE = None

# Transport security. USTOO_HTTPS=0 only for a local demo on http://127.0.0.1.
HTTPS = env_bool("USTOO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("USTOO_BEHIND_PROXY")
# The reverse proxies (addresses or networks, "*" for any) whose X-Forwarded-For names the client: a
# request from any other address, one sent straight to an app server, is known by its own address,
# whatever it claims. gunicorn trusts the same ones for X-Forwarded-Proto (gunicorn_conf.py).
FORWARDED_ALLOW_IPS = env_list("USTOO_FORWARDED_ALLOW_IPS", ["127.0.0.1"])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# same-origin, not no-referrer: browsers then send "Origin: null" with our own forms, which CSRF
# protection must refuse. Nothing is ever sent to another site either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Request size limits. A story is at most 20,000 characters, but url-encoded it can take 240 KB (a
# 4-byte character becomes 12 bytes), and a pasted text may be longer than allowed: bodies up to 1 MiB
# are read, so an over-long story comes back in its form with the text kept and its length named.
# Anything larger gets a 413 page (core/views.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

LANGUAGE_CODE = "en"
# Offered only when complete: ustoo/core/tests/test_languages.py holds each catalogue to every string of
# the code (docs/TRANSLATING.md says how to add one). Each is named in itself.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("it", "Italiano"),
    ("hi", "हिन्दी"),
    ("zh-hans", "简体中文"),
]
# Then the CLDR's country names for languages django-countries lacks (scripts/country-names), and the
# CLDR's month names where Django's differ (scripts/month-names): both win over Django's own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "country_names", BASE_DIR / "month_names"]
FORMAT_MODULE_PATH = ["ustoo.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR.parent / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # The journal's attachments: ciphertext only, one file each, readable by the site's user alone.
    "journal_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            # Several app servers: one directory they all share (docs/DEPLOY.md).
            "location": Path(
                env_str("USTOO_JOURNAL_ATTACHMENTS_DIR", str(DATA_DIR / "journal" / "attachments"))
            ),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Where the quick exit goes: a neutral page on another site, so Back does not return here.
QUICK_EXIT_URL = env_str("USTOO_QUICK_EXIT_URL", "https://www.bbc.com/weather")

# Logging: no access log; nothing personal (no addresses, no request bodies) in what we log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Whatever a library writes, a network address never reaches the log (ustoo/core/log_privacy.py).
    "filters": {"no_addresses": {"()": "ustoo.core.log_privacy.RedactAddresses"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_addresses"]}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Errors with their traceback only; Django's formatter never prints the client's address, and
        # AdminEmailHandler (which mails request metadata) is not used.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "ustoo": {"handlers": ["console"], "level": env_str("USTOO_LOG_LEVEL", "INFO"), "propagate": False},
    },
}

# Moderation: stories from people without an account and from new members wait for review;
# trusted members publish at once. Turning review off publishes everything but flagged stories.
MODERATION_REVIEW = env_bool("USTOO_MODERATION_REVIEW", default=True)
MODERATION_TRUSTED_PUBLISH = env_bool("USTOO_MODERATION_TRUSTED_PUBLISH", default=True)
MODERATION_FLAGS_TO_HIDE = env_int("USTOO_FLAGS_TO_HIDE", 3)
MODERATION_NEW_MEMBER_FLAGS_PER_DAY = env_int("USTOO_NEW_MEMBER_FLAGS_PER_DAY", 3)
MODERATOR_IDLE_MINUTES = env_int("USTOO_MODERATOR_IDLE_MINUTES", 30)
# New members become members after this many approved stories and this many days.
TRUST_MIN_APPROVED_STORIES = env_int("USTOO_TRUST_MIN_APPROVED_STORIES", 2)
TRUST_MIN_DAYS = env_int("USTOO_TRUST_MIN_DAYS", 7)
# Retention: rejected stories are deleted this many days after the decision; receipts stop working
# this many days after they were given (0: never).
RETENTION_REJECTED_DAYS = env_int("USTOO_RETENTION_REJECTED_DAYS", 30)
RECEIPT_LIFETIME_DAYS = env_int("USTOO_RECEIPT_LIFETIME_DAYS", 0)
# Magnitude: the lifetime differential-privacy ε (at δ = 10⁻⁷) of each person's answers, spent once,
# when their cohort of statements is measured (see magnitude/release.py). Lowering it later only
# affects cohorts not yet measured; raising it never re-measures one.
MAGNITUDE_EPSILON = float(env_str("USTOO_MAGNITUDE_EPSILON", "1.0"))
# E-mail: EMAIL_URL as dj-email-url reads it: smtp://user:pass@host:port, submission://user:pass@host
# (STARTTLS on 587), ?ssl=1 (TLS from the start), ?timeout=seconds (10). Without it, mail is written to
# files in the data directory's mail/ folder (Django's file backend), so links can be opened by hand.
MAILERS = {"default": mailer_from_url(env_secret("EMAIL_URL"), mail_dir=DATA_DIR / "mail")}
DEFAULT_FROM_EMAIL = env_str("USTOO_FROM_EMAIL", "ustoo@localhost")
# The address of this site in links sent by e-mail.
SITE_URL = env_str("USTOO_SITE_URL", "http://127.0.0.1:8000")

# Who runs this site, for the privacy notice and the contact page. Left empty, the privacy notice says
# the operator has not filled them in, and `ustoo check --deploy` warns (core/checks.py).
OPERATOR_NAME = env_str("USTOO_OPERATOR_NAME")
# Where the contact form's messages go (by e-mail; the site keeps no copy). Empty: the form is off.
OPERATOR_EMAIL = env_str("USTOO_OPERATOR_EMAIL")
OPERATOR_ADDRESS = env_str("USTOO_OPERATOR_ADDRESS")
# Who answers questions about personal data, when not the operator's address above.
DATA_PROTECTION_CONTACT = env_str("USTOO_DATA_PROTECTION_CONTACT")
# "consent", "legitimate-interests", or the operator's own words, shown as written.
PRIVACY_LEGAL_BASIS = env_str("USTOO_PRIVACY_LEGAL_BASIS")
# The law and courts the operator answers to, e.g. "France (GDPR)".
JURISDICTION = env_str("USTOO_JURISDICTION")
# robots.txt turns crawlers away from every page unless this allows the public ones.
ALLOW_INDEXING = env_bool("USTOO_ALLOW_INDEXING")

# Campaigns.
CAMPAIGN_RESPONSE_THRESHOLD = env_int("USTOO_CAMPAIGN_RESPONSE_THRESHOLD", 10_000)
CAMPAIGN_ESCALATION_THRESHOLD = env_int("USTOO_CAMPAIGN_ESCALATION_THRESHOLD", 100_000)
CAMPAIGN_SPONSORS_NEEDED = env_int("USTOO_CAMPAIGN_SPONSORS_NEEDED", 5)
CAMPAIGN_MAX_DAYS = env_int("USTOO_CAMPAIGN_MAX_DAYS", 183)
CAMPAIGN_CONFIRM_HOURS = env_int("USTOO_CAMPAIGN_CONFIRM_HOURS", 72)
CAMPAIGN_RESEND_MINUTES = env_int("USTOO_CAMPAIGN_RESEND_MINUTES", 10)
CAMPAIGN_ANONYMISE_DAYS = env_int("USTOO_CAMPAIGN_ANONYMISE_DAYS", 183)
CAMPAIGN_REGION_MINIMUM = env_int("USTOO_CAMPAIGN_REGION_MINIMUM", 5)

# The matching escrow (ustoo/matching/PROTOCOL.md): where the OPRF service listens (http://HOST:PORT or
# unix:/PATH), who may enter, and how few evaluations anyone gets, answered after a delay.
MATCHING_OPRF_URL = env_str("USTOO_MATCHING_OPRF_URL", "http://127.0.0.1:8765")
# The OPRF service's own directory, holding its key (`ustoo matching oprf-service --key-dir` overrides it).
MATCHING_OPRF_DIR = Path(env_str("USTOO_MATCHING_OPRF_DIR", str(DATA_DIR / "oprf-service")))
MATCHING_MIN_ACCOUNT_DAYS = env_int("USTOO_MATCHING_MIN_ACCOUNT_DAYS", 14)
MATCHING_EVALUATIONS_PER_DAY = env_int("USTOO_MATCHING_EVALUATIONS_PER_DAY", 10)
MATCHING_EVALUATIONS_PER_MONTH = env_int("USTOO_MATCHING_EVALUATIONS_PER_MONTH", 30)
MATCHING_EVALUATIONS_PER_HOUR = env_int("USTOO_MATCHING_EVALUATIONS_PER_HOUR", 600)
MATCHING_DELAY_MS = env_int("USTOO_MATCHING_DELAY_MS", 1500)
MATCHING_ENTRIES_PER_ACCOUNT = env_int("USTOO_MATCHING_ENTRIES_PER_ACCOUNT", 20)
# Who the counselors are, as survivors read it on /matching/ (their office's name), and the address
# where they publish their key's fingerprint (COUNSELORS.md). Empty: the page says neither.
MATCHING_COUNSELORS = env_str("USTOO_MATCHING_COUNSELORS")
MATCHING_COUNSELORS_URL = env_str("USTOO_MATCHING_COUNSELORS_URL")
# The journal (issue 17; ustoo/journal/PROTOCOL.md). What one journal may hold, in bytes of ciphertext
# as stored. An entry's ciphertext is a 12-byte nonce, its padded body (1 KiB × 2^k) and a 16-byte tag;
# an attachment's the same around a multiple of 64 KiB. Larger is refused with 413.
JOURNAL_ENTRY_MAX_BYTES = env_int("USTOO_JOURNAL_ENTRY_MAX_BYTES", 256 * 1024 + 28)
JOURNAL_ATTACHMENT_MAX_BYTES = env_int("USTOO_JOURNAL_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024 + 28)
JOURNAL_MAX_ATTACHMENTS = env_int("USTOO_JOURNAL_MAX_ATTACHMENTS", 200)
# Entries and attachments together.
JOURNAL_MAX_BYTES = env_int("USTOO_JOURNAL_MAX_BYTES", 500 * 1024 * 1024)
# An attachment no entry has named this long after its upload is deleted by `ustoo prune_expired`.
JOURNAL_UNCLAIMED_HOURS = env_int("USTOO_JOURNAL_UNCLAIMED_HOURS", 24)
# The time-stamping authority's keys and certificates, made once (`ustoo journal authority init`, or on
# first use) and the same on every app server (ustoo/journal/authority.py, docs/DEPLOY.md).
JOURNAL_AUTHORITY_DIR = Path(env_str("USTOO_JOURNAL_AUTHORITY_DIR", str(DATA_DIR / "journal" / "authority")))

NINJA_PAGINATION_PER_PAGE = 20
WALL_PAGE_SIZE = env_int("USTOO_WALL_PAGE_SIZE", 20)
