# Placeholder views; replaced by the public slice.
from django.http import HttpResponse
from django.views.generic import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("")


def home(request):
    return HttpResponse("")


InitiativeListView = InitiativeDetailView = CountryListView = CountryDetailView = _Stub
OrganisationListView = OrganisationDetailView = _Stub
