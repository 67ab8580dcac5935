from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "ustoo.stories"
    label = "stories"
    verbose_name = _("Stories")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ustoo.accounts import member_data
        from ustoo.core.retention import register_retention_task
        from ustoo.stories.retention import forget_form_tokens
        from ustoo.stories.search_index import ensure_search_triggers

        register_retention_task("stories", forget_form_tokens)

        post_migrate.connect(ensure_search_triggers, sender=self, dispatch_uid="stories_search_triggers")
        from ustoo.stories import member_data as stories_data

        member_data.register(
            "statements", export=stories_data.export_statements, erase=stories_data.erase_statements
        )
        member_data.register("replies", export=stories_data.export_replies, erase=stories_data.erase_replies)
        member_data.register(
            "solidarity_given", export=stories_data.export_solidarity, erase=stories_data.erase_solidarity
        )
