interactive_figure(plot_tuned_pair,
                   weight=FloatSlider(value=4.0, min=0.0, max=8.0, step=0.1, description="weight"),
                   bias_a=FloatSlider(value=-1.0, min=-4.0, max=1.0, step=0.1, description="bias A"),
                   bias_b=FloatSlider(value=-2.6, min=-4.0, max=1.0, step=0.1, description="bias B"))
