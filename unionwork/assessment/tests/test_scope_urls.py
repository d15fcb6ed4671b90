"""The assessment's pages and API hold the scope: see ``core.testing.scope``. 中山区 has its own
claims, a review, an appeal and its score sheet in the demo; its name may appear only in the
published ranking (every assessed district sees the totals), never its items, claims or appeals."""

from unionwork.core.testing.scope import ScopeTest


class TestAssessmentScope(ScopeTest):
    app = "assessment"
    markers = ["中山区总工会关于", "海军广场街道专职干部已于上月到岗", "部分街道专职干部未到位"]
    published = ("schemes/<int:pk>/ranking/", "schemes/<int:pk>/ranking")
