from django import forms

from .models import Subscription


class SignupForm(forms.Form):
    kind = forms.ChoiceField(choices=Subscription.Kind.choices, widget=forms.HiddenInput)
    # The finder's or search page's own query string, as the owner saw it.
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
    email = forms.EmailField(
        label="电子邮箱",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": "请填写电子邮箱。", "invalid": "请填写有效的电子邮箱地址。"},
    )
