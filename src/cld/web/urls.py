"""Routes. Each name needs a rule in cld.web.portal.access.ROUTES (deny by default)."""

from django.urls import path

from cld.web.portal import processing, views

urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("uploads/<int:pk>/", views.upload_status, name="upload_status"),
    path("checks/<int:pk>/", views.check, name="check"),
    path("checks/<int:pk>/report.<str:fmt>", views.check_report, name="check_report"),
    path("versions/", views.versions, name="versions"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/report.<str:fmt>", views.submission_report,
         name="submission_report"),
    path("tracker/", views.tracker, name="tracker"),
    path("las/<str:la>/", processing.la_page, name="la"),
    path("years/lock/", processing.lock, name="year_lock"),
    path("audit/", processing.audit, name="audit"),
    path("quality/", processing.quality, name="quality"),
]
