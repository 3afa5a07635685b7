from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from greenlist.demo.load import PASSWORD, load_demo

LOGINS = [
    ("province", "省工业和信息化厅（节能与综合利用处）"),
    ("city_shijiazhuang", "石家庄市工业和信息化局（推荐名单已报送省厅）"),
    ("city_tangshan", "唐山市工业和信息化局（约40项申报待受理，可批量受理）"),
    ("city_handan", "邯郸市工业和信息化局（拟推荐名单有一条部门不同意意见待处理）"),
    ("dept_handan_market_regulation", "邯郸市市场监管部门（待逐项提出意见）"),
    ("dept_shijiazhuang_ecology_environment", "石家庄市生态环境部门"),
    ("applicant", "石家庄市一家申报企业"),
    ("applicant_tangshan", "唐山市一家申报企业"),
    ("applicant_returned", "唐山市一家被退回修改的申报企业"),
    ("evaluator", "第三方评价机构（接近15项上限；有待确认的委托与待签署的声明）"),
    ("evaluator_overcap", "第三方评价机构（超过15项上限）"),
    ("admin", "系统管理员"),
]


class Command(BaseCommand):
    help = "加载确定性的演示数据（2024年度河北省，14个推荐单位、约300个申报主体）；可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # Demo accounts share one published password, the superuser included.
            raise CommandError("生产环境（GREENLIST_PRODUCTION=1）不得加载演示数据：演示账号的口令是公开的。")
        counts = load_demo()
        self.stdout.write("演示数据已就绪：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write(f"\n演示账号（密码均为 {PASSWORD}，仅用于演示）：")
        for username, who in LOGINS:
            self.stdout.write(f"  {username:<40} {who}")
        self.stdout.write("  其余推荐单位：city_<代码>，如 city_baoding；征求意见部门：dept_<代码>_<部门>")
