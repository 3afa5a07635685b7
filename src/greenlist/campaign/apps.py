from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "greenlist.campaign"
    label = "campaign"
    verbose_name = "推荐工作"
