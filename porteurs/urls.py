from django.urls import path

from porteurs.views import ContactView, MerciView

app_name = "porteurs"

urlpatterns = [
    path("contact/", ContactView.as_view(), name="contact"),
    path("contact/merci/", MerciView.as_view(), name="merci"),
]
