from django.apps import AppConfig


class DynamicConfig(AppConfig):
    name = "greenlist.dynamic"
    label = "dynamic"
    verbose_name = "年度动态管理"
