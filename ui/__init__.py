"""User interfaces: the `boardqa` command line and the Gradio app."""
