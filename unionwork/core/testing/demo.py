"""Every module's small demo data, for tests that walk every page."""


def seed_module_demos():
    """Every module's small demo data in 甘井子区 and 中山区, with the indicators recounted."""
    from django.test import override_settings

    from unionwork.assessment import demo as assessment_demo
    from unionwork.bargaining import demo as bargaining_demo
    from unionwork.building import demo as building_demo
    from unionwork.core import audit, indicators
    from unionwork.culture import demo as culture_demo
    from unionwork.documents import demo as documents_demo
    from unionwork.founding import demo as city
    from unionwork.members import demo as members_demo
    from unionwork.stability.demo import seed_demo
    from unionwork.stations import demo as stations_demo
    from unionwork.visits import demo as visits_demo

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        city.seed_small()
        members_demo.seed_small()
        seed_demo()
        bargaining_demo.seed_small()
        stations_demo.seed_small()
        documents_demo.seed_small()
        visits_demo.seed_small()
        building_demo.seed_small()
        culture_demo.seed_small()
        with audit.acting_as(None, "test"):
            indicators.rebuild_many()
        assessment_demo.seed_small()  # scores the other modules' kept figures: after their rebuild
