// Placeholder for the mediator's console.
document.getElementById('status').textContent = 'The console is ready.';
