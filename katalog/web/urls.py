from django.urls import path

from katalog.web.views import catalog

app_name = "web"
urlpatterns = [
    path("", catalog.home, name="home"),
    path("items/<str:number>/", catalog.item_detail_page, name="item-detail"),
]
