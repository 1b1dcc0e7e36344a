from django import forms


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=80)
    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug")
    query_string = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)
    shared = forms.BooleanField(required=False, label="Share with everyone in the shop")
    make_default = forms.BooleanField(required=False, label="Open the list with this view")

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops


class SavedViewChangeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("rename", "Rename"), ("delete", "Delete"), ("default", "Make default")]
    )
    name = forms.CharField(max_length=80, required=False)
