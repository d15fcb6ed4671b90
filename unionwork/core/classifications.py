"""National classifications every module may use (reference data, not any module's records)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """Sections of GB/T 4754-2017 国民经济行业分类."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741 - the standard's letter
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")
