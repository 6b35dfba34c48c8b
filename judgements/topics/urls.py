from django.urls import path

from judgements.topics import views

urlpatterns = [
    path("topics/", views.topic_index, name="topic-index"),
    path("topics/new/", views.topic_new, name="topic-new"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("topics/<slug:slug>/edit/", views.topic_edit, name="topic-edit"),
    path("assessments/<int:pk>/topics/", views.assessment_topics, name="assessment-topics"),
]
