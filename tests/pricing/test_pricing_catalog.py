def test_a_model_logged_without_provider_is_priced_by_its_maker() -> None:
    from llmcost.pricing import load_catalog

    cat = load_catalog()
    found = cat.find_model("text-embedding-3-small", None)  # listed under azure and openai
    assert found is not None and found[0].id == "openai"
    assert (
        cat.find_model("text-embedding-3-small", "cohere") is None
    )  # a named provider is not second-guessed
    assert cat.find_model("acme-llama-3-70b-ft", None) is None
