"""Keys the course format knows, per level: used to spot misspellings, never to reject."""

from __future__ import annotations

TOP_KEYS = frozenset(
    [
        "title",
        "shortTitle",
        "short_title",
        "description",
        "id",
        "slug",
        "url",
        "type",
        "date",
        "creator",
        "weight",
        "aliases",
        "aliasesArchive",
        "tags",
        "categories",
        "concepts",
        "card",
        "preview",
        "previewIcon",
        "brandColour",
        "code",
        "level",
        "introduction",
        "overview",
        "outcomes",
        "objectives",
        "prerequisites",
        "audience",
        "trainers",
        "assessment",
        "roadmap",
        "syllabus",
        "syllabusBefore",
        "events",
        "offering",
        "delivery",
        "sections",
        "tldr",
        "sitemap",
        "cascade",
        "course-topics",
        "course_topics",
        "course-topic",
        "course-vendors",
        "course_vendors",
        "course-learning-experiences",
        "course_learning_experiences",
        "delivery-audiences",
        "delivery_audiences",
        "course_proficiencies",
        "course_length",
        "course_sessions",
        "sessionCount",
        "programCode",
        "Watermarks",
        "ResourceId",
        "ResourceImport",
        "ResourceType",
        "ResourceContentOrigin",
        "ItemId",
        "ItemKind",
        "ItemType",
        "ItemContentOrigin",
        "draft",
        "layout",
    ]
)
MODULE_KEYS = frozenset(
    [
        "id",
        "title",
        "duration",
        "content",
        "overview",
        "details",
        "learningResources",
        "assignment",
        "weight",
        "draft",
    ]
)
RESOURCE_KEYS = frozenset(
    ["title", "link", "url", "duration", "type", "weight", "description", "content", "draft"]
)
ASSIGNMENT_KEYS = frozenset(["title", "content", "examples"])
EVENT_KEYS = frozenset(["start_date", "location", "registration_link", "sessions"])
SESSION_KEYS = frozenset(["start_datetime", "end_datetime", "timezone", "syllabus_ids"])
PREREADING_KEYS = frozenset(
    [
        "title",
        "link",
        "duration",
        "type",
        "weight",
        "description",
        "content",
        "draft",
        "resources",
        "timeRequired",
    ]
)
