"""Template tags for the public pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's absolute URL without its query string.

    Filtered and paginated views of a list are one page for search engines.
    Empty where there is no request (the 500 page).
    """
    request = context.get("request")
    if request is None:
        return ""
    return request.build_absolute_uri(request.path)
