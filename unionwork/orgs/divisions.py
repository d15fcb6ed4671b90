"""Loading statistical divisions (the CSV format of the `china-division` package) as the tree.

cities.csv  code,name,provinceCode
areas.csv   code,name,cityCode,provinceCode               (districts and counties)
streets.csv code,name,areaCode,provinceCode,cityCode      (townships and streets)
villages.csv code,name,streetCode,provinceCode,cityCode,areaCode (villages and communities)

One city is loaded under a root federation named after it. Existing codes are kept as they are
(a unit renamed in the platform is not renamed back); missing ones are added. Running it twice
adds nothing the second time.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.text import pinyin_of
from unionwork.orgs.models import LINK_EPOCH, OrgEvent, OrgKind, OrgLink, OrgUnit

SUFFIXES = ("居民委员会", "村民委员会", "居委会", "村委会")


def union_name(division_name: str, kind: str) -> str:
    """The union's name from the division's: 甘井子区 -> 甘井子区总工会, 春海社区居委会 -> 春海社区工会."""
    base = division_name
    for suffix in SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            if suffix.startswith("村") and not base.endswith("村"):
                base += "村"
            if suffix.startswith("居") and not base.endswith("社区"):
                base += "社区"
            break
    return base + ("总工会" if kind in (OrgKind.CITY, OrgKind.DISTRICT) else "工会")


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    root: OrgUnit | None = None


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise ActionError(f"找不到文件 {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for lineno, row in enumerate(reader, start=2):
            if not row.get("code") or not row.get("name"):
                raise ActionError(f"{path.name} 第 {lineno} 行：缺少 code 或 name 列的值")
            rows.append(row)
        return rows


def _insert_level(parent_by_code: dict[str, OrgUnit], rows, parent_key: str, kind: str, result: LoadResult):
    existing = {u.code: u for u in OrgUnit.objects.filter(code__in=[r["code"] for r in rows])}
    new: list[OrgUnit] = []
    for row in rows:
        if row["code"] in existing:
            continue
        parent = parent_by_code.get(row[parent_key]) if parent_key else parent_by_code.get("__root__")
        if parent is None:
            raise ActionError(f"区划 {row['code']} {row['name']} 的上级 {row.get(parent_key)} 不存在")
        name = union_name(row["name"], kind)
        full, initials = pinyin_of(name)
        new.append(
            OrgUnit(
                parent=parent,
                kind=kind,
                name=name[:100],
                code=row["code"],
                division_name=row["name"][:100],
                depth=parent.depth + 1,
                pinyin=full,
                initials=initials,
                path=f"tmp:{row['code']}",
            )
        )
    OrgUnit.objects.bulk_create(new, batch_size=2000)
    for unit in new:
        unit.path = f"{unit.parent.path}{unit.pk}/"
    OrgUnit.objects.bulk_update(new, ["path"], batch_size=2000)
    OrgLink.objects.bulk_create(
        [
            OrgLink(
                unit=u,
                kind=OrgLink.Kind.TERRITORIAL,
                parent=u.parent,
                valid_from=LINK_EPOCH,
                reason="load_divisions",
            )
            for u in new
        ],
        batch_size=2000,
    )
    audit.record_many(((u, "create", None, audit.snapshot(u)) for u in new), note="load_divisions")
    OrgEvent.objects.bulk_create(
        [
            OrgEvent(
                unit=u,
                kind=OrgEvent.Kind.CREATED,
                actor_label=audit.current_actor().label,
                summary=f"按统计区划代码 {u.code} 导入",
            )
            for u in new
        ],
        batch_size=2000,
    )
    result.created[kind] = len(new)
    result.existing[kind] = len(existing)
    units = {**existing, **{u.code: u for u in new}}
    return units


@transaction.atomic
def load_divisions(folder: Path, city_code: str | None = None) -> LoadResult:
    """Load one city's divisions from ``folder`` (all or nothing)."""
    folder = Path(folder)
    cities = _read(folder / "cities.csv")
    if city_code is None:
        if len(cities) != 1:
            raise ActionError(f"cities.csv 中有 {len(cities)} 个城市，请用 --city 指定城市代码（例如 2102）")
        city_code = cities[0]["code"]
    city_rows = [c for c in cities if c["code"] == city_code]
    if not city_rows:
        raise ActionError(f"cities.csv 中没有城市代码 {city_code}")
    result = LoadResult()
    root = OrgUnit.objects.filter(code=city_code).first()
    if root is None:
        name = union_name(city_rows[0]["name"], OrgKind.CITY)
        full, initials = pinyin_of(name)
        root = OrgUnit.objects.create(
            parent=None,
            kind=OrgKind.CITY,
            name=name,
            code=city_code,
            division_name=city_rows[0]["name"],
            depth=0,
            pinyin=full,
            initials=initials,
            path=f"tmp:{city_code}",
        )
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        audit.record(root, "create", None, audit.snapshot(root), note="load_divisions")
        OrgEvent.objects.create(
            unit=root,
            kind=OrgEvent.Kind.CREATED,
            actor_label=audit.current_actor().label,
            summary=f"按统计区划代码 {city_code} 导入",
        )
        result.created[OrgKind.CITY] = 1
    else:
        result.existing[OrgKind.CITY] = 1
    result.root = root
    areas = [r for r in _read(folder / "areas.csv") if r["cityCode"] == city_code]
    streets = [r for r in _read(folder / "streets.csv") if r["cityCode"] == city_code]
    villages = [r for r in _read(folder / "villages.csv") if r["cityCode"] == city_code]
    districts = _insert_level({"__root__": root}, areas, "", OrgKind.DISTRICT, result)
    townships = _insert_level(districts, streets, "areaCode", OrgKind.TOWNSHIP, result)
    _insert_level(townships, villages, "streetCode", OrgKind.COMMUNITY, result)
    return result
