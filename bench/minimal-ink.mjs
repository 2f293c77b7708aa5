// The yardstick of the cold-start benchmark (bench/ui.bench.tsx): the smallest Ink app, one line of text.
import React from 'react';
import { render, Text } from 'ink';

render(React.createElement(Text, null, 'minimal ink ready'));
