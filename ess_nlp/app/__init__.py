"""The Streamlit app: pages and render functions that call the library (French interface)."""
