interactive_figure(show_valley,
                   learning_rate=FloatSlider(value=0.035, min=0.005, max=0.045, step=0.001,
                                             readout_format=".3f", description="learning rate"),
                   momentum=FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum"),
                   steps=fixed(30))
