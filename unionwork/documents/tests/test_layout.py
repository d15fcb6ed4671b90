"""The title of a laid-out document breaks where words end, as the original does."""

from unionwork.documents.layout import title_lines


def test_the_seed_title_breaks_as_printed_in_2012():
    assert title_lines("关于印发汪集刚同志在大连市工会领导机关工作会议上的讲话（摘要）的通知") == [
        "关于印发汪集刚同志在大连市工会领导机关",
        "工作会议上的讲话（摘要）的通知",
    ]


def test_every_title_line_fits_and_nothing_is_lost():
    title = "关于转发《关于印发汪集刚同志在大连市工会领导机关工作会议上的讲话（摘要）的通知》的通知"
    lines = title_lines(title)
    assert "".join(lines) == title and all(len(x) <= 20 for x in lines) and len(lines) == 3
    assert title_lines("短标题") == ["短标题"]
