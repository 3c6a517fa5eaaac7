"""The offline model's decisions: which tools it calls, with which arguments, and what it answers."""

from __future__ import annotations

import json

import pytest
from agents import Agent, Runner, function_tool
from pydantic import BaseModel

from shared.offline_model import LABEL, OfflineModel, arguments_for, named_entities, plan_tool_calls, tool_is_needed


@function_tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Weather in {city}: Sunny"


@function_tool
def convert_currency(amount: float, currency: str) -> str:
    """Convert an amount of euros to another currency."""
    return f"{amount} EUR = {amount * 2} {currency}"


class Forecast(BaseModel):
    city: str
    sunny: bool
    summary: str


def weather_agent(**kwargs) -> Agent:
    return Agent(name="Weather", instructions="Be helpful.", tools=[get_weather], model=OfflineModel(), **kwargs)


@pytest.mark.parametrize(
    ("prompt", "cities"),
    [
        ("What's the weather in Tokyo?", ["Tokyo"]),
        ("weather in lima", ["lima"]),
        ("What is the weather in Lima and Tokyo?", ["Lima", "Tokyo"]),
        ("Weather for Paris, Rome and New York please", ["Paris", "Rome", "New York"]),
    ],
)
async def test_the_prompt_decides_the_tool_arguments(prompt: str, cities: list[str]) -> None:
    result = await Runner.run(weather_agent(), prompt)
    calls = [item.raw_item for item in result.new_items if item.type == "tool_call_item"]
    assert [json.loads(c.arguments)["city"] for c in calls] == cities
    assert len({c.call_id for c in calls}) == len(calls), "every tool call needs its own call id"
    assert result.final_output.startswith(LABEL)
    for city in cities:
        assert city in result.final_output


async def test_no_tool_when_the_request_does_not_need_one() -> None:
    result = await Runner.run(weather_agent(), "Tell me a joke")
    assert not [item for item in result.new_items if item.type == "tool_call_item"]
    assert result.final_output == f"{LABEL} You said: Tell me a joke"


async def test_structured_output_fits_the_output_type() -> None:
    result = await Runner.run(weather_agent(output_type=Forecast), "Is it sunny? weather in Lima")
    forecast = result.final_output
    assert isinstance(forecast, Forecast)
    assert "Lima" in forecast.summary and forecast.summary.startswith(LABEL)
    assert forecast.sunny is True


async def test_hands_off_to_the_agent_the_request_names() -> None:
    spanish = Agent(name="Spanish", instructions="Answer in Spanish.", model=OfflineModel())
    triage = Agent(name="Triage", instructions="Route.", handoffs=[spanish], model=OfflineModel())
    result = await Runner.run(triage, "Please answer in Spanish: hola")
    assert result.last_agent.name == "Spanish"


async def test_plans_when_the_instructions_ask_for_a_plan() -> None:
    planner = Agent(name="Planner", instructions="Create a plan.", model=OfflineModel())
    result = await Runner.run(planner, "Migrate the database")
    assert result.final_output.splitlines()[1:] == [
        "1. Gather what is needed to Migrate the database.",
        "2. Carry out: Migrate the database.",
        "3. Check the result and report back.",
    ]


def test_numbers_and_explicit_arguments_come_from_the_request() -> None:
    schema = convert_currency.params_json_schema
    assert arguments_for(schema, "convert 12.5 euros to currency: USD") == [{"amount": 12.5, "currency": "USD"}]


def test_tool_choice_follows_words_of_the_tool_name() -> None:
    assert tool_is_needed("get_weather", "how is the weather?", "")
    assert not tool_is_needed("get_weather", "how are you?", "")
    assert tool_is_needed("get_weather", "how are you?", "Always call get_weather first.")
    assert not plan_tool_calls("what time is it", "", [get_weather, convert_currency])


def test_named_entities_split_lists() -> None:
    assert named_entities("flights from Lima to Tokyo and Osaka") == ["Lima", "Tokyo", "Osaka"]
