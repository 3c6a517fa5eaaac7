"""The offline model's decisions: which tools it calls, with which arguments, and what it answers."""

from __future__ import annotations

import json

import pytest
from agents import Agent, ModelSettings, Runner, function_tool
from openai.types.responses import ResponseTextDeltaEvent
from pydantic import BaseModel

from shared._core.offline_model import (
    LABEL,
    OfflineModel,
    arguments_for,
    named_entities,
    plan_tool_calls,
    tool_is_needed,
)


@function_tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Weather in {city}: Sunny"


@function_tool
def convert_currency(amount: float, currency: str) -> str:
    """Convert an amount of euros to another currency."""
    return f"{amount} EUR = {amount * 2} {currency}"


@function_tool
def carry_out_plan(plan: str) -> str:
    """Carry out a plan."""
    return "done"


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


def model_calls_with_tool_calls(result) -> list[int]:
    """How many tool calls each model call asked for, in order."""
    return [sum(1 for item in r.output if item.type == "function_call") for r in result.raw_responses]


async def test_independent_tool_calls_come_in_one_reply_as_with_a_real_model() -> None:
    result = await Runner.run(weather_agent(), "What's the weather in Lima, Paris and Tokyo?")
    assert model_calls_with_tool_calls(result) == [3, 0]


async def test_one_tool_call_per_reply_when_the_agent_turns_parallel_calls_off() -> None:
    agent = weather_agent(model_settings=ModelSettings(parallel_tool_calls=False))
    result = await Runner.run(agent, "What's the weather in Lima, Paris and Tokyo?")
    assert model_calls_with_tool_calls(result) == [1, 1, 1, 0]


async def test_an_agent_used_as_a_tool_gets_the_whole_request() -> None:
    specialist = Agent(name="Billing", instructions="Answer billing questions.", model=OfflineModel())
    tool = specialist.as_tool(tool_name="billing_specialist", tool_description="Answers billing questions.")
    manager = Agent(name="Manager", instructions="Use your specialists.", tools=[tool], model=OfflineModel())
    question = "A billing question: why was I charged twice in March?"
    result = await Runner.run(manager, question)
    calls = [item.raw_item for item in result.new_items if item.type == "tool_call_item"]
    assert [json.loads(c.arguments) for c in calls] == [{"input": question}]


async def test_streams_the_same_answer_a_word_at_a_time() -> None:
    streamed = Runner.run_streamed(weather_agent(), "What's the weather in Lima and Tokyo?")
    words = [
        event.data.delta
        async for event in streamed.stream_events()
        if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent)
    ]
    plain = await Runner.run(weather_agent(), "What's the weather in Lima and Tokyo?")
    assert len(words) > 5 and "".join(words) == plain.final_output == streamed.final_output


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


def test_the_same_call_is_planned_once() -> None:
    request = "Plan: migrate Lima and Tokyo"
    assert plan_tool_calls(request, "", [carry_out_plan]) == [("carry_out_plan", {"plan": "migrate Lima and Tokyo"})]
