from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "ustoo.matching"
    verbose_name = "Matching escrow"

    def ready(self) -> None:
        # Accounts must not import the apps above it: each registers what it holds about a member.
        from ustoo.accounts import member_data
        from ustoo.matching import services

        member_data.register(
            "matching_entries", export=services.export_member_entries, erase=services.erase_member_entries
        )
