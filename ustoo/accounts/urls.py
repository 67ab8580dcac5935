from django.urls import path

from ustoo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("passphrase/", views.change_passphrase, name="change_passphrase"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
