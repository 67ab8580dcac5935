"""Passphrases are stored as Argon2id hashes with OWASP's recommended parameters (Password Storage
Cheat Sheet: m = 19 MiB, t = 2, p = 1). Django's default (100 MiB, t = 2, p = 8) costs about 130 ms of
CPU per check here, enough for one client's login attempts to occupy a core; these cost a fraction
of that. Hashes made with other parameters are re-made with these at the member's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # the same scheme: Django verifies either and upgrades on login
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
