from ustoo.stories.models.choices import (
    AgeAtTime,
    ContentWarning,
    Harm,
    Relation,
    Setting,
    SolidarityKind,
    Status,
    Visibility,
)
from ustoo.stories.models.solidarity import Reply, ReplyBlock, Solidarity
from ustoo.stories.models.statement import Statement
from ustoo.stories.models.story import Story, StoryHashtag, StoryWarning

__all__ = [
    "AgeAtTime",
    "ContentWarning",
    "Harm",
    "Relation",
    "Reply",
    "ReplyBlock",
    "Setting",
    "Solidarity",
    "SolidarityKind",
    "Statement",
    "Status",
    "Story",
    "StoryHashtag",
    "StoryWarning",
    "Visibility",
]
